// A job's blobs: options, parallel puts, roll-back.
#include "service/job_store.h"

#include <future>
#include <utility>

#include "core/base64.h"
#include "core/blob_paths.h"
#include "core/log.h"
#include "lifecycle/retention.h"
#include "service/job_metadata.h"

namespace noisett::service {
namespace {

constexpr const char* kImageCacheControl = "public, max-age=31536000, immutable";

}  // namespace

JobBlobOptions BlobOptionsFor(const std::string& tier, image::OutputFormat format) {
  JobBlobOptions o;
  o.image.content_type = std::string(image::ContentType(format));
  o.image.cache_control = kImageCacheControl;
  // Only images and thumbnails are tagged blob_kind=image, the tier-to-archive rule's filter.
  o.image.tags = {{std::string(lifecycle::kSubscriptionTierTag), tier},
                  {std::string(lifecycle::kBlobKindTag), std::string(lifecycle::kBlobKindImage)}};
  o.metadata = MetadataPutOptions({{std::string(lifecycle::kSubscriptionTierTag), tier}});
  return o;
}

catalog::Generation NewGeneration(JobIdSource& ids, const Clock& clock, JobDescription what) {
  const int64_t now_ms = clock.NowMillis();
  catalog::Generation job;
  job.job_id = ids.Next(now_ms);
  job.user_id = std::move(what.user_id);
  job.prompt = std::move(what.prompt);
  job.asset_type = std::move(what.asset_type);
  job.quality = std::move(what.quality);
  job.model = std::move(what.model);
  job.created_at = now_ms / 1000;
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
  r.thumbhash = Base64Encode(web.thumbnail.thumbhash);
  return r;
}

Status PutAll(storage::BlobStore& blobs, const std::vector<BlobWrite>& writes,
              std::vector<WrittenBlob>* written) {
  using PutResult = Result<storage::BlobProperties>;
  std::vector<std::future<PutResult>> pending;
  for (size_t i = 1; i < writes.size(); ++i) {
    pending.push_back(std::async(std::launch::async, [&blobs, &w = writes[i]] {
      return blobs.Put(w.path, w.bytes, *w.options);
    }));
  }
  std::vector<PutResult> results;
  results.push_back(blobs.Put(writes[0].path, writes[0].bytes, *writes[0].options));
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

void RollBack(storage::BlobStore& blobs, const std::vector<WrittenBlob>& written) {
  for (const WrittenBlob& blob : written) {
    if (auto ok = blobs.Discard(blob.path, blob.version_id); !ok) {
      LogWarn("could not remove " + blob.path + " after a failed write: " + ok.error().ToString());
    }
  }
}

Status StoreNewJob(storage::BlobStore& blobs, catalog::Catalog& catalog,
                   const catalog::Generation& job, const std::vector<const image::WebImage*>& webs,
                   const JobBlobOptions& options) {
  const std::string metadata = MetadataJson(job);
  std::vector<BlobWrite> writes;
  for (size_t i = 0; i < job.images.size(); ++i) {
    writes.push_back({job.images[i].blob_path, webs[i]->optimized.bytes, &options.image});
    writes.push_back({job.images[i].thumbnail_path, webs[i]->thumbnail.bytes, &options.image});
  }
  writes.push_back({MetadataBlobPath(job.user_id, job.job_id), metadata, &options.metadata});
  std::vector<WrittenBlob> written;
  Status stored = PutAll(blobs, writes, &written);
  if (stored) stored = catalog.InsertGeneration(job);
  if (!stored) RollBack(blobs, written);
  return stored;
}

// Rewrites metadata.json from the catalog row until a re-read of the row matches what was
// written. Uploads into one job can run on several instances at once, each writing metadata.json
// from its own view; the last writer always re-reads after its write, and any commit after that
// re-read is followed by its own writer's sync, so the final content is the final row.
void SyncMetadata(storage::BlobStore& blobs, catalog::Catalog& catalog, const std::string& user,
                  std::string_view job_id, const storage::PutOptions& options) {
  std::string written;
  for (int round = 0; round < 2 * noisett::catalog::kMaxImagesPerJob; ++round) {
    auto row = catalog.GetGeneration(user, job_id);
    if (!row) return;  // deleted meanwhile: its blobs go with it
    std::string current = MetadataJson(*row);
    if (current == written) return;
    auto put = blobs.Put(MetadataBlobPath(user, job_id), current, options);
    if (!put) {
      LogWarn("could not rewrite metadata.json of " + std::string(job_id) + ": " +
              put.error().ToString() + " (noisett fsck --repair rewrites it)");
      return;
    }
    written = std::move(current);
  }
}

}  // namespace noisett::service
