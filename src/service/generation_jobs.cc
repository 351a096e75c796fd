// Submitting, reading, canceling and waiting on generation jobs.
#include "service/generation_jobs.h"

#include <chrono>
#include <random>

#include "catalog/catalog_errors.h"
#include "service/job_labels.h"

namespace noisett::service {
namespace {

Result<JobView> ViewOf(const JobsDeps& deps, catalog::JobRecord job) {
  JobView view;
  std::optional<catalog::Generation> generation;
  if (job.stored_images > 0) {
    auto row = deps.generate.store.catalog.GetGeneration(job.user_id, job.job_id);
    if (row) {
      generation = std::move(*row);
    } else if (!catalog::reason::Is(row.error(), catalog::reason::kJobNotFound)) {
      return Unexpected(row.error());
    }
  }
  for (size_t i = 0; i < job.seeds.size(); ++i) {
    JobImageView image{.index = int(i), .seed = job.seeds[i]};
    if (generation) {
      if (const catalog::ImageRecord* record = catalog::FindImage(*generation, int(i))) {
        auto links = LinksForImage(deps.generate.store.links, *record);
        if (!links) return Unexpected(links.error());
        image.record = *record;
        image.links = std::move(*links);
      }
    }
    view.images.push_back(std::move(image));
  }
  view.job = std::move(job);
  return view;
}

Error QueueFull(int64_t queued) {
  Error e = MakeError(ErrorCode::kUnavailable, "queue_full",
                      "the generation queue is full (" + std::to_string(queued) +
                          " jobs waiting); try again shortly");
  e.retry_after_s = 10;
  return e;
}

}  // namespace

std::vector<int64_t> JobSeeds(std::optional<int64_t> first, int count) {
  std::vector<int64_t> seeds;
  std::random_device entropy;
  std::uniform_int_distribution<int64_t> any(0, 0xFFFFFFFFLL);
  for (int i = 0; i < count; ++i) seeds.push_back(first ? *first + i : any(entropy));
  return seeds;
}

Result<JobView> SubmitGenerationJob(const JobsDeps& deps, const auth::User& caller,
                                    const GenerateImagesRequest& request) {
  if (auto ok = GeneratorReady(deps.generate); !ok) return Unexpected(ok.error());
  if (Status ok = ValidateAssetType(request.asset_type); !ok) return Unexpected(ok.error());
  const UploadDeps& store = deps.generate.store;
  // An explicit step with side effects: the caller is recorded; the tier decides the quota.
  const std::string tier = store.tiers.RecordCallerAndResolveTier(caller);
  const int64_t now_ms = store.clock.NowMillis();
  if (Status ok = CheckGenerateQuota(deps.queue, deps.config.quotas, caller, tier, request.count,
                                     now_ms);
      !ok) {
    return Unexpected(ok.error());
  }
  auto queued = deps.queue.CountJobs(catalog::JobStatus::kQueued);
  if (!queued) return Unexpected(queued.error());
  if (*queued >= deps.config.queue_limit) return Unexpected(QueueFull(*queued));

  catalog::JobRecord job;
  job.job_id = store.job_ids.Next(now_ms);
  job.user_id = caller.user_id;
  job.prompt = request.prompt;
  job.asset_type = request.asset_type;
  job.quality = std::string(image::QualityName(request.quality));
  job.model = request.model.value_or(deps.generate.generator->default_model());
  job.generator = std::string(deps.generate.generator->name());
  job.seeds = JobSeeds(request.seed, request.count);
  job.created_at_ms = now_ms;
  job.predictions.assign(job.seeds.size(), "");
  if (Status ok = deps.queue.CreateJob(job); !ok) return Unexpected(ok.error());
  if (deps.wake_runner) deps.wake_runner();
  return ViewOf(deps, std::move(job));
}

Result<JobView> GetJobView(const JobsDeps& deps, const auth::User& caller,
                           std::string_view job_id) {
  auto job = deps.queue.GetJob(caller.user_id, job_id);
  if (!job) return Unexpected(job.error());
  return ViewOf(deps, std::move(*job));
}

Result<JobView> CancelJob(const JobsDeps& deps, const auth::User& caller, std::string_view job_id) {
  auto job = deps.queue.RequestCancel(caller.user_id, job_id,
                                      deps.generate.store.clock.NowMillis());
  if (!job) return Unexpected(job.error());
  // The runner of a running job hears it at once when it is this instance.
  deps.events.Notify(job->job_id);
  return ViewOf(deps, std::move(*job));
}

Result<JobView> WaitForJob(const JobsDeps& deps, const auth::User& caller,
                           std::string_view job_id, int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Result<catalog::JobRecord> job = Unexpected(Error{});
  deps.events.WaitFor(std::string(job_id), deadline, [&] {
    job = deps.queue.GetJob(caller.user_id, job_id);
    return !job || catalog::IsFinished(job->status);
  });
  if (!job) return Unexpected(job.error());
  return ViewOf(deps, std::move(*job));
}

}  // namespace noisett::service
