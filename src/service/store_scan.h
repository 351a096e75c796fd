// The store side of catalog.rebuild and fsck: every blob under generated/ (soft-deleted ones
// too, with their tags), grouped into jobs by the {user}/{job} of its path. Names are checked,
// never trusted: a user id outside [A-Za-z0-9_-]{1,64}, a job id that is not a server-made ULID,
// a file name that is not one a job holds, or a path of another depth is reported as unexpected
// and joins no job. Operator tools only; nothing here is reachable from a request.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/blob_store.h"

namespace noisett::service {

// What the listing says about one blob: enough to judge it without reading it.
struct StoredBlob {
  std::string name;  // full blob name
  std::string file;  // last segment: metadata.json, image_0.jpg, thumb_image_0.jpg
  uint64_t size = 0;
  std::string content_type;
  int64_t last_modified = 0;
  bool deleted = false;
  int64_t deleted_at = 0;
  std::string tier_tag;  // the subscription_tier blob index tag, "" when absent
};

struct StoredJob {
  std::string user_id;
  std::string job_id;
  std::vector<StoredBlob> blobs;  // by file name

  // The blob with this file name (live or soft-deleted), or null.
  const StoredBlob* Find(std::string_view file) const;
  const StoredBlob* Metadata() const { return Find("metadata.json"); }
  bool AllDeleted() const;
  // Newest last_modified over the live blobs (0 when none is live).
  int64_t NewestLiveModified() const;
};

struct UnexpectedBlob {
  std::string name;
  std::string reason;
};

struct StoreScan {
  std::vector<StoredJob> jobs;  // by (user_id, job_id)
  std::vector<UnexpectedBlob> unexpected;
  size_t blobs_listed = 0;
};

// Callbacks for a progress display; any may be empty. `listed` after each listing page with the
// running count; `start` once with the number of jobs to process; `step` after each job.
struct ScanProgress {
  std::function<void(size_t blobs_listed)> listed;
  std::function<void(size_t jobs)> start;
  std::function<void(const std::string& label)> step;
};

// r{256,512,1024,2048}_image_{0..7}.{avif,webp}.
bool IsRenditionFileName(std::string_view file);
// metadata.json, image_{0..7}.{jpg,webp}, thumb_image_{0..7}.{jpg,webp}, and renditions.
bool IsJobFileName(std::string_view file);

// Lists generated/ page by page (include_deleted, include_tags). Errors: the store's.
Result<StoreScan> ScanStore(storage::BlobStore& blobs, const ScanProgress& progress = {});

// The bytes of a job's metadata.json. A soft-deleted one cannot be read as it is (BlobStore reads
// live blobs only), so it is undeleted, read and deleted again: its blob-level deleted_at moves
// to now, which only lengthens the store's retention of it. Errors: kTooLarge "metadata_too_large"
// (over kMaxMetadataBytes, not read), the store's.
Result<std::string> ReadMetadataBlob(storage::BlobStore& blobs, const StoredBlob& metadata);

}  // namespace noisett::service
