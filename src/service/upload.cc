// The upload path.
#include "service/upload.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "catalog/catalog_errors.h"
#include "core/blob_paths.h"
#include "core/log.h"
#include "core/metric_names.h"
#include "image/pipeline.h"
#include "service/job_labels.h"
#include "service/job_metadata.h"
#include "service/job_store.h"

namespace noisett::service {
namespace {

// The catalog record of a new image: its renditions pending when a worker will make them.
catalog::ImageRecord NewImageRecord(const UploadDeps& deps, const catalog::Generation& job,
                                    int index, int64_t seed, const image::WebImage& web) {
  catalog::ImageRecord record = MakeImageRecord(job, index, seed, web);
  if (deps.renditions != nullptr) record.renditions_state = catalog::RenditionState::kPending;
  return record;
}

// Hands a stored image to the rendition worker, with the bytes it was made from.
void QueueRenditions(const UploadDeps& deps, const catalog::Generation& job,
                     const catalog::ImageRecord& record, const std::string& tier,
                     std::string_view source) {
  if (deps.renditions == nullptr) return;
  deps.renditions->Enqueue(
      {job.user_id, job.job_id, record.index, record.blob_path, tier, std::string(source)});
}

// The job the image joins: one of the caller's live jobs (with room), or a new one.
Result<catalog::Generation> TargetJob(const UploadDeps& deps, const auth::User& caller,
                                      const UploadRequest& request, std::string quality) {
  if (request.job_id) {
    auto job = deps.catalog.GetGeneration(caller.user_id, *request.job_id);
    if (!job) return Unexpected(job.error());
    if (job->images.size() >= size_t(catalog::kMaxImagesPerJob))
      return Unexpected(catalog::JobFull());
    return job;
  }
  return NewGeneration(
      deps.job_ids, deps.clock,
      {caller.user_id, request.prompt, request.asset_type, std::move(quality), request.model});
}

// One more image in an existing job. Uploads into one job may run at once on several instances,
// so an index is claimed by creating its image blob (create-only): the loser of a race moves on
// to the next free index instead of overwriting the winner's image, and an index the catalog
// then refuses (taken through another file extension) is given back the same way.
Result<catalog::ImageRecord> StoreIntoJob(const UploadDeps& deps, const catalog::Generation& job,
                                          const image::WebImage& web, int64_t seed,
                                          const JobBlobOptions& options) {
  storage::PutOptions claim = options.image;
  claim.if_none_match_any = true;
  const std::string metadata_path = MetadataBlobPath(job.user_id, job.job_id);
  for (int index = 0; index < catalog::kMaxImagesPerJob; ++index) {
    if (catalog::FindImage(job, index) != nullptr) continue;
    catalog::ImageRecord record = NewImageRecord(deps, job, index, seed, web);
    auto claimed = deps.blobs.Put(record.blob_path, web.optimized.bytes, claim);
    if (!claimed && storage::IsConditionNotMet(claimed.error())) continue;
    if (!claimed) return Unexpected(claimed.error());
    std::vector<WrittenBlob> written{{record.blob_path, claimed->version_id}};
    catalog::Generation with_image = job;
    with_image.images.push_back(record);
    Status stored = PutAll(deps.blobs,
                           {{record.thumbnail_path, web.thumbnail.bytes, &options.image},
                            {metadata_path, MetadataJson(with_image), &options.metadata}},
                           &written);
    // metadata.json is the job's, shared with its other images: synced below, never deleted.
    std::erase_if(written, [&](const WrittenBlob& b) { return b.path == metadata_path; });
    if (stored) stored = deps.catalog.AddImage(job.user_id, job.job_id, record);
    if (stored) {
      SyncMetadata(deps.blobs, deps.catalog, job.user_id, job.job_id, options.metadata);
      return record;
    }
    RollBack(deps.blobs, written);
    SyncMetadata(deps.blobs, deps.catalog, job.user_id, job.job_id, options.metadata);
    if (!catalog::reason::Is(stored.error(), catalog::reason::kImageExists)) {
      return Unexpected(stored.error());
    }
  }
  return Unexpected(catalog::JobFull());
}

}  // namespace

Result<StoredImage> UploadImage(const UploadDeps& deps, const auth::User& caller,
                                const UploadRequest& request) {
  // The labels first: a bad one costs no image decode.
  if (Status ok = ValidateUploadLabels(request.asset_type, request.quality); !ok) {
    return Unexpected(ok.error());
  }
  const auto pipeline_start = std::chrono::steady_clock::now();
  auto web = image::OptimizeForWeb(image::AsBytes(request.image), deps.optimize);
  deps.metrics
      .GetHistogram(metrics::names::kPipelineDuration, metrics::names::kPipelineDurationHelp)
      .ObserveSince(pipeline_start);
  if (!web) return Unexpected(web.error());
  std::string quality =
      request.quality.value_or(std::string(image::QualityName(deps.optimize.quality)));
  auto job = TargetJob(deps, caller, request, std::move(quality));
  if (!job) return Unexpected(job.error());

  // An explicit step with side effects: the caller is recorded, and a tier claim in their token
  // may re-tag all their blobs before this one is written with that tier.
  const std::string tier = deps.tiers.RecordCallerAndResolveTier(caller);
  const JobBlobOptions options = BlobOptionsFor(tier, web->optimized.format);

  StoredImage out;
  out.new_job = !request.job_id.has_value();
  if (out.new_job) {
    job->images.push_back(NewImageRecord(deps, *job, 0, request.seed, *web));
    if (Status ok = StoreNewJob(deps.blobs, deps.catalog, *job, {&*web}, options); !ok) {
      return Unexpected(ok.error());
    }
    out.record = job->images.back();
  } else {
    auto stored = StoreIntoJob(deps, *job, *web, request.seed, options);
    if (!stored) return Unexpected(stored.error());
    out.record = std::move(*stored);
  }
  QueueRenditions(deps, *job, out.record, tier, request.image);
  auto links = LinksForImage(deps.links, out.record);
  if (!links) return Unexpected(links.error());
  out.links = std::move(*links);
  out.metadata = web->metadata;
  out.job_id = job->job_id;
  return out;
}

Result<catalog::ImageRecord> StoreJobImage(const UploadDeps& deps, const catalog::Generation& job,
                                           int index, int64_t seed, const image::WebImage& web,
                                           const std::string& tier, std::string_view source) {
  if (const catalog::ImageRecord* stored = catalog::FindImage(job, index)) return *stored;
  const JobBlobOptions options = BlobOptionsFor(tier, web.optimized.format);
  catalog::ImageRecord record = NewImageRecord(deps, job, index, seed, web);
  std::vector<WrittenBlob> written;
  Status stored = PutAll(deps.blobs,
                         {{record.blob_path, web.optimized.bytes, &options.image},
                          {record.thumbnail_path, web.thumbnail.bytes, &options.image}},
                         &written);
  if (stored) stored = deps.catalog.AddImage(job.user_id, job.job_id, record);
  if (!stored && catalog::reason::Is(stored.error(), catalog::reason::kImageExists)) {
    auto row = deps.catalog.GetGeneration(job.user_id, job.job_id);
    if (row && catalog::FindImage(*row, index)) return *catalog::FindImage(*row, index);
  }
  if (!stored) {
    RollBack(deps.blobs, written);
    return Unexpected(stored.error());
  }
  SyncMetadata(deps.blobs, deps.catalog, job.user_id, job.job_id, options.metadata);
  QueueRenditions(deps, job, record, tier, source);
  return record;
}

}  // namespace noisett::service
