// A job's blobs: options, parallel puts, roll-back.
#include "service/job_store.h"

#include <chrono>
#include <future>
#include <utility>

#include "core/blob_paths.h"
#include "core/ids.h"
#include "core/log.h"
#include "lifecycle/retention.h"
#include "service/job_metadata.h"
#include "service/user_tier.h"

namespace noisett::service {
namespace {

constexpr const char* kImageCacheControl = "public, max-age=31536000, immutable";

}  // namespace

JobBlobOptions BlobOptionsFor(ServiceDeps& deps, const auth::User& user,
                              image::OutputFormat format) {
  JobBlobOptions o;
  o.image.content_type = std::string(image::ContentType(format));
  o.image.cache_control = kImageCacheControl;
  const std::string tier = SubscriptionTierFor(deps, user);
  // Only images and thumbnails are tagged blob_kind=image, the tier-to-archive rule's filter:
  // metadata.json must stay readable and rewritable (lifecycle/retention.h).
  o.image.tags = {{std::string(lifecycle::kSubscriptionTierTag), tier},
                  {std::string(lifecycle::kBlobKindTag), std::string(lifecycle::kBlobKindImage)}};
  o.metadata.content_type = "application/json";
  o.metadata.cache_control = "no-cache";
  o.metadata.tags = {{std::string(lifecycle::kSubscriptionTierTag), tier}};
  return o;
}

catalog::Generation NewGeneration(std::string user_id, std::string prompt, std::string asset_type,
                                  std::string quality, std::string model, int64_t now) {
  catalog::Generation job;
  job.job_id = NewJobId(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
  job.user_id = std::move(user_id);
  job.prompt = std::move(prompt);
  job.asset_type = std::move(asset_type);
  job.quality = std::move(quality);
  job.model = std::move(model);
  job.created_at = now;
  return job;
}

catalog::ImageRecord MakeImageRecord(const catalog::Generation& job, int index, int64_t seed,
                                     const image::WebImage& web) {
  const std::string ext(image::FileExtension(web.optimized.format));
  catalog::ImageRecord r;
  r.index = index;
  r.seed = seed;
  r.blob_path = ImageBlobPath(job.user_id, job.job_id, index, ext);
  r.thumbnail_path = ThumbnailBlobPath(job.user_id, job.job_id, index, ext);
  r.bytes = web.optimized.bytes.size();
  r.thumbnail_bytes = web.thumbnail.bytes.size();
  r.width = web.optimized.width;
  r.height = web.optimized.height;
  r.content_type = std::string(image::ContentType(web.optimized.format));
  return r;
}

Status PutAll(ServiceDeps& deps, const std::vector<BlobWrite>& writes,
              std::vector<WrittenBlob>* written) {
  using PutResult = Result<storage::BlobProperties>;
  std::vector<std::future<PutResult>> pending;
  for (size_t i = 1; i < writes.size(); ++i) {
    pending.push_back(std::async(std::launch::async, [&deps, &w = writes[i]] {
      return deps.blobs.Put(w.path, w.bytes, *w.options);
    }));
  }
  std::vector<PutResult> results;
  results.push_back(deps.blobs.Put(writes[0].path, writes[0].bytes, *writes[0].options));
  for (auto& f : pending) results.push_back(f.get());
  Status outcome = Ok();
  for (size_t i = 0; i < writes.size(); ++i) {
    if (results[i]) {
      written->push_back({writes[i].path, results[i]->version_id});
    } else if (outcome) {
      outcome = Unexpected(results[i].error());
    }
  }
  return outcome;
}

void RollBack(ServiceDeps& deps, const std::vector<WrittenBlob>& written) {
  for (const WrittenBlob& blob : written) {
    if (auto ok = deps.blobs.Discard(blob.path, blob.version_id); !ok) {
      LogWarn("could not remove " + blob.path + " after a failed write: " + ok.error().ToString());
    }
  }
}

Status StoreNewJob(ServiceDeps& deps, const catalog::Generation& job,
                   const std::vector<const image::WebImage*>& webs,
                   const JobBlobOptions& options) {
  const std::string metadata = MetadataJson(job);
  std::vector<BlobWrite> writes;
  for (size_t i = 0; i < job.images.size(); ++i) {
    writes.push_back({job.images[i].blob_path, webs[i]->optimized.bytes, &options.image});
    writes.push_back({job.images[i].thumbnail_path, webs[i]->thumbnail.bytes, &options.image});
  }
  writes.push_back({MetadataBlobPath(job.user_id, job.job_id), metadata, &options.metadata});
  std::vector<WrittenBlob> written;
  Status stored = PutAll(deps, writes, &written);
  if (stored) stored = deps.catalog.InsertGeneration(job);
  if (!stored) RollBack(deps, written);
  return stored;
}

}  // namespace noisett::service
