// The BlobStore interface: what Noisett needs from blob storage, shaped after Azure Blob Storage
// so the local directory store (embedded default) and the Azure store (scale-out) are
// interchangeable. Names are validated BlobNames; times are seconds since the epoch.
//
// Error reasons (stable, Azure's own codes where Azure has one):
//   kNotFound   "BlobNotFound"      no such blob (or version)
//   kConflict   "BlobArchived"      read or overwrite of an archived blob (HTTP 409, as Azure)
//   kConflict   "ConditionNotMet"   an if_none_match / if_match precondition failed
//   kInvalidArgument "InvalidBlobName" / "InvalidRange" / "InvalidTags"
//   kUnavailable "StoreUnavailable" the backend cannot be reached or written
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_span.h"
#include "core/result.h"

namespace noisett::storage {

// The reasons above, for callers in other modules that decide on one.
namespace reason {
inline constexpr std::string_view kBlobNotFound = "BlobNotFound";
inline constexpr std::string_view kBlobArchived = "BlobArchived";
inline constexpr std::string_view kConditionNotMet = "ConditionNotMet";
}  // namespace reason

// True for a create-only (if_none_match_any) or if_match write refused because of its condition.
inline bool IsConditionNotMet(const Error& error) {
  return error.code == ErrorCode::kConflict && error.reason == reason::kConditionNotMet;
}

// Hottest to coolest, so `a < b` means b is the cooler (cheaper to keep) tier.
enum class AccessTier { kHot, kCool, kCold, kArchive };
// How soon Azure brings an archived blob back online (Set Blob Tier's x-ms-rehydrate-priority).
enum class RehydratePriority { kStandard, kHigh };

std::string_view AccessTierName(AccessTier tier);  // "Hot", "Cool", "Cold", "Archive" (Azure's)
std::optional<AccessTier> ParseAccessTier(std::string_view name);  // case-insensitive

// Blob index tags: at most 10; key 1..128, value 0..256 characters of [A-Za-z0-9 +-.:=_/].
using Tags = std::map<std::string, std::string>;
Status ValidateTags(const Tags& tags);

// A blob name inside the container: 1..1024 characters, '/'-separated segments of
// [A-Za-z0-9._-], no empty segment, no "." or ".." segment, no leading or trailing '/'.
// Anything a client sends passes through this before it can become a path.
Status ValidateBlobName(std::string_view name);

struct PutOptions {
  std::string content_type = "application/octet-stream";
  std::string cache_control;
  Tags tags;
  AccessTier tier = AccessTier::kHot;
  bool if_none_match_any = false;  // create only: ConditionNotMet when the blob exists
};

// What every store refuses in PutOptions before any I/O: bad tags, and a content type or cache
// control that is not printable ASCII of at most 1024 characters ("InvalidHeaderValue"): they
// come back out in HTTP responses, so no header injection.
Status ValidatePutOptions(const PutOptions& options);

struct BlobProperties {
  std::string name;
  uint64_t size = 0;
  std::string content_type;
  std::string cache_control;
  std::string etag;  // strong, quoted: "\"0x8DC...\""; changes on every write of the content
  int64_t last_modified = 0;
  int64_t created = 0;
  AccessTier tier = AccessTier::kHot;
  int64_t tier_changed = 0;
  // Azure's x-ms-archive-status while an archived blob is coming back ("rehydrate-pending-to-hot");
  // empty otherwise (the local store rehydrates at once).
  std::string archive_status;
  Tags tags;
  std::string version_id;    // the version this content is (every write makes one)
  bool is_current_version = true;
  bool deleted = false;      // soft-deleted, restorable until deleted_at + retention
  int64_t deleted_at = 0;
};

// Half-open byte range [offset, offset + length); no length = to the end. An offset at or past
// the end of a non-empty blob is InvalidRange (HTTP 416).
struct ByteRange {
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

// What a Get is for. kFile is a read for serving the blob over HTTP: a store that keeps each blob
// in a file hands out the open file instead of reading it (the server sends it with sendfile),
// and may leave the properties' tags out, which no answer carries (Azure's Get Blob returns none
// either: tags come from GetProperties or List). A store without files (Azure) reads the bytes.
enum class ReadAs { kBytes, kFile };

struct BlobData {
  BlobProperties properties;
  std::string bytes;  // the requested range only; empty when `file` is set
  uint64_t range_offset = 0;
  // The requested range in an open file, instead of `bytes`: only for ReadAs::kFile, and only from
  // a store that keeps files.
  std::optional<FileSpan> file;
};

struct ListOptions {
  std::string prefix;            // plain string prefix of the name ("generated/alice/")
  std::string continuation;      // from the previous page; empty for the first
  size_t max_results = 1000;     // 1..5000
  bool include_deleted = false;  // soft-deleted blobs too (deleted = true)
  bool include_versions = false; // previous versions too (is_current_version = false)
  bool include_tags = false;
};

struct ListPage {
  std::vector<BlobProperties> items;  // in name order (then version order)
  std::string continuation;           // empty when this was the last page
};

class BlobStore;

// Every item of every page of a listing, in order (the pages' continuations followed).
// Errors: the first failing page's.
Status ForEachListed(BlobStore& store, ListOptions options,
                     const std::function<void(BlobProperties&)>& visit);

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Writes the whole blob atomically. Overwriting keeps the previous content as a version.
  virtual Result<BlobProperties> Put(std::string_view name, std::string_view bytes,
                                     const PutOptions& options) = 0;
  virtual Result<BlobData> Get(std::string_view name, std::optional<ByteRange> range = {},
                               ReadAs as = ReadAs::kBytes) = 0;
  virtual Result<BlobProperties> GetProperties(std::string_view name) = 0;

  // Soft delete: the blob disappears from Get and List, restorable with Undelete during the
  // store's soft-delete retention. Deleting a deleted or missing blob is BlobNotFound.
  virtual Status Delete(std::string_view name) = 0;
  virtual Status Undelete(std::string_view name) = 0;

  virtual Result<ListPage> List(const ListOptions& options) = 0;

  // Archive makes Get refuse with BlobArchived until the tier is set back to an online tier;
  // `priority` matters only for that rehydration (Azure takes hours; the local store none).
  virtual Status SetTier(std::string_view name, AccessTier tier,
                         RehydratePriority priority = RehydratePriority::kStandard) = 0;
  virtual Status SetTags(std::string_view name, const Tags& tags) = 0;

  // Every version of `name`, oldest first, the current one last (is_current_version).
  virtual Result<std::vector<BlobProperties>> ListVersions(std::string_view name) = 0;
  // Makes an earlier version the current content again (Azure: copy the version over the blob).
  virtual Status RestoreVersion(std::string_view name, std::string_view version_id) = 0;
  // Deletes one previous version for good (Azure: Delete Blob with versionid), as lifecycle
  // version actions do. Errors: BlobNotFound (no such blob or version); kConflict
  // "CannotDeleteCurrentVersion" for the current one (delete the blob instead).
  virtual Status DeleteVersion(std::string_view name, std::string_view version_id) = 0;
  // Takes back the version `version_id` of `name` that this writer has just put, because the work
  // it belonged to failed (a job's roll-back): unlike Delete it leaves nothing restorable and, on a
  // fresh blob, needs no free space, so it still works on the full volume that made the work fail.
  // When other versions exist (or another write has replaced this one) it is Delete. Errors:
  // BlobNotFound when the blob is gone already.
  virtual Status Discard(std::string_view name, std::string_view version_id) = 0;

  // Reachable and writable (for /readyz).
  virtual Status CheckReady() = 0;
  // "file:///abs/dir (container noisett-storage)" — for logs; no secrets.
  virtual std::string Describe() const = 0;
};

}  // namespace noisett::storage
