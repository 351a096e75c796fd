// fsck: compares the catalog (every row, ScanGenerations) with the store (every blob under
// generated/, ScanStore) and reports where they disagree; with repair, fixes what can be fixed
// safely. The catalog row is the authority for a job it holds (upload writes the row only after
// every blob exists); metadata.json is the authority for a job the catalog lacks, but only once it
// proves a finished upload (JobFromBlobs, strict). Anything younger than the grace period is left
// alone, because an upload, delete or restore may still be on its way. Each finding is confirmed
// against the current catalog and store before it is reported, so work that raced the scan does
// not show up. Operator tool only; never reachable from a request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "service/store_scan.h"
#include "storage/blob_store.h"

namespace noisett::service {

enum class FindingKind {
  kMissingBlobs,         // a row's image, thumbnail or metadata.json blob is gone (not repaired)
  kBlobsDeletedRowLive,  // live row, soft-deleted blobs
  kRowDeletedBlobsLive,  // soft-deleted row, live blobs
  kOrphanBlobs,          // live blobs no row references (no row at all, or not in the row)
  kMetadataMismatch,     // metadata.json disagrees with the row, or cannot be read
  kUnexpectedBlob,       // a name under generated/ that is no job's file (never touched)
};

// "missing_blobs", "blobs_deleted_row_live", "row_deleted_blobs_live", "orphan_blobs",
// "metadata_mismatch", "unexpected_blob".
std::string_view FindingKindName(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::kMissingBlobs;
  std::string user_id;
  std::string job_id;
  std::string detail;
  int64_t age_s = -1;     // how long the state has lasted, when the store says; -1 unknown
  bool repaired = false;
  std::string action;     // with repair: what was done, or why nothing was
};

struct FsckOptions {
  bool repair = false;
  int64_t grace_s = 3600;       // repair only what is at least this old
  int64_t soft_delete_days = 7; // deleted rows past this window are not checked (store purges)
  ScanProgress progress;
};

struct FsckReport {
  size_t blobs_listed = 0;
  size_t jobs_in_store = 0;
  size_t rows_scanned = 0;
  size_t deleted_rows_expired = 0;  // past the restore window: blobs may be purged, not checked
  size_t deleted_rows_purged = 0;   // in the window, but the store holds none of their blobs
  size_t deleted_orphans = 0;       // job folders of soft-deleted blobs only, no row (left to
                                    // the store's retention; catalog.rebuild can re-add them)
  std::vector<Finding> findings;

  size_t Unrepaired() const;
};

// Errors: a listing or catalog error that stops the scan (per-job repair failures are findings
// with their reason in `action`).
Result<FsckReport> RunFsck(storage::BlobStore& blobs, catalog::Catalog& catalog,
                           const Clock& clock, const FsckOptions& options);

nlohmann::json ToJson(const FsckReport& report);

}  // namespace noisett::service
