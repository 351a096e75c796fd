// Writing a job's blobs: the options every image and metadata.json blob carries (cache headers,
// the retention tags), side-by-side puts that say what they wrote, and the roll-back that leaves
// nothing behind when a later step fails. Shared by images.upload and generate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "image/image_types.h"
#include "service/command.h"
#include "service/service.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct JobBlobOptions {
  storage::PutOptions image;     // images and thumbnails: immutable, tier + blob_kind tags
  storage::PutOptions metadata;  // metadata.json: no-cache, tier tag only
};

// The options for `user`'s blobs of `format` (the tier from SubscriptionTierFor).
JobBlobOptions BlobOptionsFor(ServiceDeps& deps, const auth::User& user,
                              image::OutputFormat format);

// A new, empty job of `user_id` with a fresh server-made id (time-ordered by the wall clock),
// created at `now`.
catalog::Generation NewGeneration(std::string user_id, std::string prompt, std::string asset_type,
                                  std::string quality, std::string model, int64_t now);

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
Status PutAll(ServiceDeps& deps, const std::vector<BlobWrite>& writes,
              std::vector<WrittenBlob>* written);

// Discards what an unfinished write left (BlobStore::Discard: for good, and without needing space,
// so that a full volume, the usual reason for the failure, does not defeat it). Logged, not
// returned: the caller reports the original failure.
void RollBack(ServiceDeps& deps, const std::vector<WrittenBlob>& written);

// A new job (fresh id: nothing races for its blobs) with job.images[i] made from webs[i]: every
// image, thumbnail and metadata.json side by side, then the catalog row. On any failure what was
// written is removed and the error returned: the job is listed only once all of it exists.
Status StoreNewJob(ServiceDeps& deps, const catalog::Generation& job,
                   const std::vector<const image::WebImage*>& webs,
                   const JobBlobOptions& options);

}  // namespace noisett::service
