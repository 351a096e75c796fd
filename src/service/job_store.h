// Writing a job's blobs: the options every image and metadata.json blob carries (cache headers,
// the retention tags), side-by-side puts that say what they wrote, and the roll-back that leaves
// nothing behind when a later step fails. Shared by images.upload, images.import and generate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/ids.h"
#include "image/image_types.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct JobBlobOptions {
  storage::PutOptions image;     // images and thumbnails: immutable, tier + blob_kind tags
  storage::PutOptions metadata;  // metadata.json: no-cache, tier tag only
};

// The options for blobs of `format` tagged with subscription tier `tier`. Pure.
JobBlobOptions BlobOptionsFor(const std::string& tier, image::OutputFormat format);

// What a new job is made of; its id comes from `ids` at the clock's millisecond, and its
// created_at is that instant's second.
struct JobDescription {
  std::string user_id;
  std::string prompt;
  std::string asset_type;
  std::string quality;
  std::string model;
};
catalog::Generation NewGeneration(JobIdSource& ids, const Clock& clock, JobDescription what);

// The catalog record of `web` stored as image `index` of `job` (paths by the blob layout).
catalog::ImageRecord MakeImageRecord(const catalog::Generation& job, int index, int64_t seed,
                                     const image::WebImage& web);

struct BlobWrite {
  std::string path;
  std::string_view bytes;
  const storage::PutOptions* options;
};

// A blob that PutAll wrote, and the version its Put made: what RollBack takes back.
struct WrittenBlob {
  std::string path;
  std::string version_id;
};

// Writes the blobs side by side and appends to `written` those that were written. Each durable
// put waits on several fsyncs (~5 ms each on a cloud disk); in parallel a job costs about the
// slowest put instead of their sum. The first failure is returned.
Status PutAll(storage::BlobStore& blobs, const std::vector<BlobWrite>& writes,
              std::vector<WrittenBlob>* written);

// Discards what an unfinished write left (BlobStore::Discard: for good, and without needing space,
// so that a full volume, the usual reason for the failure, does not defeat it). Logged, not
// returned: the caller reports the original failure.
void RollBack(storage::BlobStore& blobs, const std::vector<WrittenBlob>& written);

// A new job (fresh id: nothing races for its blobs) with job.images[i] made from webs[i]: every
// image, thumbnail and metadata.json side by side, then the catalog row. On any failure what was
// written is removed and the error returned: the job is listed only once all of it exists.
Status StoreNewJob(storage::BlobStore& blobs, catalog::Catalog& catalog,
                   const catalog::Generation& job, const std::vector<const image::WebImage*>& webs,
                   const JobBlobOptions& options);

// Rewrites metadata.json from the catalog row until a re-read of the row matches what was
// written. Uploads into one job, and renditions of its images, can finish on several instances at
// once, each writing metadata.json from its own view; see the .cc. A failed write is logged (fsck
// --repair rewrites it), not returned: the row is what counts.
void SyncMetadata(storage::BlobStore& blobs, catalog::Catalog& catalog, const std::string& user,
                  std::string_view job_id, const storage::PutOptions& options);

}  // namespace noisett::service
