// catalog.rebuild: re-creates catalog rows from the blobs of any store. Every job folder with a
// readable metadata.json that the catalog does not hold yet becomes a row again, with its images,
// its soft-deleted state (a job whose metadata.json is soft-deleted comes back soft-deleted, at
// the blob's deleted_at) and its user (tier from the blob's subscription_tier tag). Jobs already
// in the catalog are left exactly as they are, so a second run adds nothing. Favorites live only
// in the catalog and cannot be rebuilt. Also home of JobFromBlobs, the "what do these blobs prove"
// rule fsck --repair shares.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "service/store_scan.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct BuiltJob {
  catalog::Generation job;
  std::string tier = "free";          // from the blobs' subscription_tier tag
  std::vector<std::string> dropped;   // salvage only: what was left out, and why
};

// The row a job's blobs describe, from its metadata.json text (ParseMetadataJson) and the listing:
// each image's bytes must match its blob; thumbnail_bytes come from the thumbnail's blob.
// `strict` (fsck's proof that an orphan is a finished upload): metadata.json, every image and
// every thumbnail it lists exist, live, with the listed bytes; anything less is an error.
// Not strict (rebuild's salvage): images whose blob is missing or of another size are dropped,
// a missing thumbnail keeps its conventional path with 0 bytes; both are named in `dropped`.
// Errors: kInvalidArgument "bad_metadata" (the parser's), "not_proven" (strict), "no_images"
// (nothing left to add).
Result<BuiltJob> JobFromBlobs(const StoredJob& stored, std::string_view metadata_text,
                              bool strict);

// A user row for a job's owner when there is none yet (an existing row, with its tier, email and
// name, is never touched): true when one was added.
Result<bool> AddUserIfMissing(catalog::Catalog& catalog, const std::string& user_id,
                              const std::string& tier, int64_t created_at);

struct JobNote {
  std::string user_id;
  std::string job_id;
  std::string reason;
};

struct RebuildReport {
  size_t blobs_listed = 0;
  size_t jobs_in_store = 0;     // job folders under generated/
  size_t jobs_added = 0;
  size_t jobs_added_deleted = 0;  // of jobs_added: came back soft-deleted
  size_t already_present = 0;
  size_t images_added = 0;
  size_t users_seen = 0;
  size_t users_added = 0;
  std::vector<JobNote> skipped;     // not added
  std::vector<JobNote> incomplete;  // added without some images or thumbnails
  std::vector<UnexpectedBlob> unexpected;

  // Every job folder was added or already present, whole; no unexpected names.
  bool clean() const { return skipped.empty() && incomplete.empty() && unexpected.empty(); }
};

// Errors: the store's listing error, or a catalog error other than a per-job refusal (those are
// skipped jobs). REQUIRES: nothing else uses the catalog rows being rebuilt (a live server may
// run: rebuild only inserts jobs the catalog does not have).
Result<RebuildReport> RebuildCatalog(storage::BlobStore& blobs, catalog::Catalog& catalog,
                                     const ScanProgress& progress = {});

// {"blobs_listed", "jobs_in_store", "jobs_added", ..., "skipped":[{user_id, job_id, reason}],
//  "incomplete":[...], "unexpected":[{name, reason}], "favorites": "..."}
nlohmann::json ToJson(const RebuildReport& report);

// The line every rebuild output carries.
inline constexpr const char* kFavoritesNote =
    "favorites cannot be rebuilt from blobs: they live only in the catalog";

}  // namespace noisett::service
