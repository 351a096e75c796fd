// The upload path.
#include "service/upload.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <vector>

#include "core/blob_paths.h"
#include "core/ids.h"
#include "core/log.h"
#include "image/metadata_json.h"
#include "image/pipeline.h"
#include "service/args.h"
#include "service/job_json.h"
#include "service/job_metadata.h"

namespace noisett::service {
namespace {

constexpr const char* kImageCacheControl = "public, max-age=31536000, immutable";

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
  catalog::Generation job;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  job.job_id = NewJobId(ms);
  job.user_id = ctx.user.user_id;
  job.prompt = args.prompt;
  job.asset_type = args.asset_type;
  job.quality = args.quality;
  job.model = args.model;
  job.created_at = now;
  return job;
}

int NextIndex(const catalog::Generation& job) {
  int index = 0;
  while (std::any_of(job.images.begin(), job.images.end(),
                     [&](const catalog::ImageRecord& r) { return r.index == index; })) {
    ++index;
  }
  return index;
}

// Deletes what an unfinished upload wrote, so a failure leaves nothing behind.
void RollBack(ServiceDeps& deps, const std::vector<std::string>& written) {
  for (const std::string& path : written) {
    if (auto ok = deps.blobs.Delete(path); !ok) {
      LogWarn("upload: could not remove " + path + " after a failed upload: " +
              ok.error().ToString());
    }
  }
}

struct BlobWrite {
  std::string path;
  std::string_view bytes;
  const storage::PutOptions* options;
};

// Writes the blobs side by side and says which were written. Each durable put waits on several
// fsyncs (~5 ms each on a cloud disk); one after another they made an upload ~35 ms longer than
// the image work, in parallel about a third of that. The first failure is returned.
Status PutAll(ServiceDeps& deps, const std::vector<BlobWrite>& writes,
              std::vector<std::string>* written) {
  std::vector<std::future<Status>> pending;
  for (size_t i = 1; i < writes.size(); ++i) {
    pending.push_back(std::async(std::launch::async, [&deps, &w = writes[i]]() -> Status {
      auto props = deps.blobs.Put(w.path, w.bytes, *w.options);
      return props ? Ok() : Status(Unexpected(props.error()));
    }));
  }
  std::vector<Status> results;
  auto first = deps.blobs.Put(writes[0].path, writes[0].bytes, *writes[0].options);
  results.push_back(first ? Ok() : Status(Unexpected(first.error())));
  for (auto& f : pending) results.push_back(f.get());
  Status outcome = Ok();
  for (size_t i = 0; i < writes.size(); ++i) {
    if (results[i]) {
      written->push_back(writes[i].path);
    } else if (outcome) {
      outcome = results[i];
    }
  }
  return outcome;
}

std::string SubscriptionTier(ServiceDeps& deps, const auth::User& user) {
  (void)deps.catalog.UpsertUser({user.user_id, user.email, user.name, "free", deps.clock.NowSeconds()});
  auto row = deps.catalog.GetUser(user.user_id);
  return row ? row->subscription_tier : "free";
}

}  // namespace

Result<nlohmann::json> Upload(ServiceDeps& deps, const CommandContext& ctx,
                              const CommandInput& in) {
  auto args = ReadArgs(deps, in);
  if (!args) return Unexpected(args.error());
  auto web = image::OptimizeForWeb(image::AsBytes(in.body), deps.config.optimize);
  if (!web) return Unexpected(web.error());
  const int64_t now = deps.clock.NowSeconds();
  auto job = TargetJob(deps, ctx, *args, now);
  if (!job) return Unexpected(job.error());
  const bool new_job = !args->job_id.has_value();
  const catalog::Generation before = *job;

  const std::string ext(image::FileExtension(web->optimized.format));
  catalog::ImageRecord record;
  record.index = NextIndex(*job);
  record.seed = args->seed;
  record.blob_path = ImageBlobPath(ctx.user.user_id, job->job_id, record.index, ext);
  record.thumbnail_path = ThumbnailBlobPath(ctx.user.user_id, job->job_id, record.index, ext);
  record.bytes = web->optimized.bytes.size();
  record.thumbnail_bytes = web->thumbnail.bytes.size();
  record.width = web->optimized.width;
  record.height = web->optimized.height;
  record.content_type = std::string(image::ContentType(web->optimized.format));
  job->images.push_back(record);

  storage::PutOptions put;
  put.content_type = record.content_type;
  put.cache_control = kImageCacheControl;
  put.tags = {{"subscription_tier", SubscriptionTier(deps, ctx.user)}};
  storage::PutOptions meta = put;
  meta.content_type = "application/json";
  meta.cache_control = "no-cache";
  const std::string metadata = MetadataJson(*job);
  std::vector<std::string> written;
  Status stored = PutAll(deps,
                         {{record.blob_path, web->optimized.bytes, &put},
                          {record.thumbnail_path, web->thumbnail.bytes, &put},
                          {MetadataBlobPath(ctx.user.user_id, job->job_id), metadata, &meta}},
                         &written);
  if (stored) {
    stored = new_job ? deps.catalog.InsertGeneration(*job)
                     : deps.catalog.AddImage(ctx.user.user_id, job->job_id, record);
  }
  if (!stored) {
    if (new_job) {
      RollBack(deps, written);
    } else {
      // The job's earlier images stay; put back the metadata.json that described only them.
      written.erase(std::remove(written.begin(), written.end(),
                                MetadataBlobPath(ctx.user.user_id, job->job_id)),
                    written.end());
      RollBack(deps, written);
      (void)deps.blobs.Put(MetadataBlobPath(ctx.user.user_id, job->job_id), MetadataJson(before), meta);
    }
    return Unexpected(stored.error());
  }

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
