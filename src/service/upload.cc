// The upload path.
#include "service/upload.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/blob_paths.h"
#include "core/log.h"
#include "core/metric_names.h"
#include "core/metrics.h"
#include "image/metadata_json.h"
#include "image/pipeline.h"
#include "service/args.h"
#include "service/job_json.h"
#include "service/job_metadata.h"
#include "service/job_store.h"

namespace noisett::service {
namespace {

struct UploadArgs {
  std::optional<std::string> job_id;
  std::string prompt, asset_type, quality, model;
  int64_t seed = 0;
};

Result<UploadArgs> ReadArgs(const ServiceDeps& deps, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "prompt", "asset_type", "quality", "model", "seed"});
      !ok) {
    return Unexpected(ok.error());
  }
  UploadArgs a;
  if (in.args.contains("job_id") && !in.args["job_id"].is_null()) {
    auto id = JobIdArg(in.args);
    if (!id) return Unexpected(id.error());
    a.job_id = *id;
  }
  auto prompt = StringArg(in.args, "prompt", 4000, "");
  auto asset_type = StringArg(in.args, "asset_type", 64, "upload");
  auto quality = StringArg(in.args, "quality", 32,
                           std::string(image::QualityName(deps.config.optimize.quality)));
  auto model = StringArg(in.args, "model", 64, "upload");
  auto seed = IntArg(in.args, "seed", 0, INT64_MAX, 0);
  for (const Error* e : {prompt ? nullptr : &prompt.error(), asset_type ? nullptr : &asset_type.error(),
                         quality ? nullptr : &quality.error(), model ? nullptr : &model.error(),
                         seed ? nullptr : &seed.error()}) {
    if (e != nullptr) return Unexpected(*e);
  }
  a.prompt = *prompt;
  a.asset_type = *asset_type;
  a.quality = *quality;
  a.model = *model;
  a.seed = *seed;
  return a;
}

// The job the image joins: one of the caller's live jobs (with room), or a new one.
Result<catalog::Generation> TargetJob(ServiceDeps& deps, const CommandContext& ctx,
                                      const UploadArgs& args, int64_t now) {
  if (args.job_id) {
    auto job = deps.catalog.GetGeneration(ctx.user.user_id, *args.job_id);
    if (!job) return Unexpected(job.error());
    if (job->images.size() >= size_t(catalog::kMaxImagesPerJob)) {
      return Unexpected(MakeError(ErrorCode::kConflict, "job_full",
                                  "a job holds at most 8 images"));
    }
    return job;
  }
  return NewGeneration(ctx.user.user_id, args.prompt, args.asset_type, args.quality, args.model,
                       now);
}

// What one upload writes, whichever job it joins.
struct UploadPlan {
  const CommandContext& ctx;
  const image::WebImage& web;
  int64_t seed = 0;
  JobBlobOptions options;

  catalog::ImageRecord Record(const catalog::Generation& job, int index) const {
    return MakeImageRecord(job, index, seed, web);
  }
};

// Rewrites metadata.json from the catalog row until a re-read of the row matches what was
// written. Uploads into one job can run on several instances at once, each writing metadata.json
// from its own view; the last writer always re-reads after its write, and any commit after that
// re-read is followed by its own writer's sync, so the final content is the final row.
void SyncMetadata(ServiceDeps& deps, const UploadPlan& up, std::string_view job_id) {
  const std::string& user = up.ctx.user.user_id;
  std::string written;
  for (int round = 0; round < 2 * catalog::kMaxImagesPerJob; ++round) {
    auto row = deps.catalog.GetGeneration(user, job_id);
    if (!row) return;  // deleted meanwhile: its blobs go with it
    std::string current = MetadataJson(*row);
    if (current == written) return;
    auto put = deps.blobs.Put(MetadataBlobPath(user, job_id), current, up.options.metadata);
    if (!put) {
      LogWarn("upload: could not rewrite metadata.json of " + std::string(job_id) + ": " +
              put.error().ToString() + " (noisett fsck --repair rewrites it)");
      return;
    }
    written = std::move(current);
  }
}

bool IsConflict(const Error& e, std::string_view reason) {
  return e.code == ErrorCode::kConflict && e.reason == reason;
}

// One more image in an existing job. Uploads into one job may run at once on several instances,
// so an index is claimed by creating its image blob (create-only): the loser of a race moves on
// to the next free index instead of overwriting the winner's image, and an index the catalog
// then refuses (taken through another file extension) is given back the same way.
Result<catalog::ImageRecord> StoreIntoJob(ServiceDeps& deps, const UploadPlan& up,
                                          const catalog::Generation& job) {
  storage::PutOptions claim = up.options.image;
  claim.if_none_match_any = true;
  for (int index = 0; index < catalog::kMaxImagesPerJob; ++index) {
    if (std::any_of(job.images.begin(), job.images.end(),
                    [&](const catalog::ImageRecord& r) { return r.index == index; })) {
      continue;
    }
    catalog::ImageRecord record = up.Record(job, index);
    auto claimed = deps.blobs.Put(record.blob_path, up.web.optimized.bytes, claim);
    if (!claimed && IsConflict(claimed.error(), "ConditionNotMet")) continue;
    if (!claimed) return Unexpected(claimed.error());
    std::vector<WrittenBlob> written{{record.blob_path, claimed->version_id}};
    catalog::Generation with_image = job;
    with_image.images.push_back(record);
    Status stored = PutAll(deps,
                           {{record.thumbnail_path, up.web.thumbnail.bytes, &up.options.image},
                            {MetadataBlobPath(job.user_id, job.job_id), MetadataJson(with_image),
                             &up.options.metadata}},
                           &written);
    // metadata.json is the job's, shared with its other images: synced below, never deleted.
    const std::string metadata_path = MetadataBlobPath(job.user_id, job.job_id);
    written.erase(std::remove_if(written.begin(), written.end(),
                                 [&](const WrittenBlob& b) { return b.path == metadata_path; }),
                  written.end());
    if (stored) stored = deps.catalog.AddImage(job.user_id, job.job_id, record);
    if (stored) {
      SyncMetadata(deps, up, job.job_id);
      return record;
    }
    RollBack(deps, written);
    SyncMetadata(deps, up, job.job_id);
    if (!IsConflict(stored.error(), "image_exists")) return Unexpected(stored.error());
  }
  return Unexpected(MakeError(ErrorCode::kConflict, "job_full", "a job holds at most 8 images"));
}

}  // namespace

Result<nlohmann::json> Upload(ServiceDeps& deps, const CommandContext& ctx,
                              const CommandInput& in) {
  auto args = ReadArgs(deps, in);
  if (!args) return Unexpected(args.error());
  const auto pipeline_start = std::chrono::steady_clock::now();
  auto web = image::OptimizeForWeb(image::AsBytes(in.body), deps.config.optimize);
  metrics::Global()
      .GetHistogram(metrics::names::kPipelineDuration, metrics::names::kPipelineDurationHelp)
      .ObserveSince(pipeline_start);
  if (!web) return Unexpected(web.error());
  const int64_t now = deps.clock.NowSeconds();
  auto job = TargetJob(deps, ctx, *args, now);
  if (!job) return Unexpected(job.error());
  const bool new_job = !args->job_id.has_value();

  UploadPlan up{ctx, *web, args->seed,
                BlobOptionsFor(deps, ctx.user, web->optimized.format)};
  Result<catalog::ImageRecord> stored = up.Record(*job, 0);
  if (new_job) {
    catalog::Generation with_image = *job;
    with_image.images.push_back(*stored);
    if (Status ok = StoreNewJob(deps, with_image, {&*web}, up.options); !ok) {
      return Unexpected(ok.error());
    }
  } else {
    stored = StoreIntoJob(deps, up, *job);
    if (!stored) return Unexpected(stored.error());
  }
  const catalog::ImageRecord& record = *stored;

  auto image = ImageJson(deps, record, deps.config.list_link_ttl_s);
  if (!image) return image;
  // The pipeline's metadata (sizes, ratio, dimensions, formats) plus where the image went.
  nlohmann::json out = image::ToJson(web->metadata);
  out["job_id"] = job->job_id;
  out["image_index"] = record.index;
  out["new_job"] = new_job;
  out["image"] = std::move(*image);
  return out;
}

}  // namespace noisett::service
