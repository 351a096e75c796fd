// Generation as durable asynchronous jobs (issue 22), the typed operations: submit (validate,
// quota, record the job queued: the caller is answered at once, the runner makes the images),
// read, cancel and wait. The job runner (job_runner.h) does the work.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/user.h"
#include "catalog/job_queue.h"
#include "service/generate_images.h"
#include "service/generate_quotas.h"
#include "service/job_events.h"
#include "service/links.h"

namespace noisett::service {

struct JobsConfig {
  GenerateQuotas quotas;     // NOISETT_GENERATE_QUOTAS
  int64_t queue_limit = 64;  // NOISETT_GENERATE_QUEUE_LIMIT: jobs queued (all users) before 503
  int64_t wait_limit_ms = 600000;  // the longest a "wait": true request waits
};

struct JobsDeps {
  catalog::JobQueue& queue;
  const GenerateDeps& generate;  // the store's dependencies and the generator
  JobEvents& events;
  const JobsConfig& config;
  std::function<void()> wake_runner;  // a job was queued (may be empty: the runner polls)
};

// One image of a job: pending (record empty) or stored with its links.
struct JobImageView {
  int index = 0;
  int64_t seed = 0;
  std::optional<catalog::ImageRecord> record;
  std::optional<ImageLinks> links;
};

struct JobView {
  catalog::JobRecord job;
  std::vector<JobImageView> images;  // one per seed, by index
};

// Validates and queues a job for `caller`. Errors: "no_generator"; kResourceExhausted
// "quota_concurrent_jobs" / "quota_images_per_day" (with retry_after_s); kUnavailable
// "queue_full" (with retry_after_s); the catalog's.
Result<JobView> SubmitGenerationJob(const JobsDeps& deps, const auth::User& caller,
                                    const GenerateImagesRequest& request);

// The caller's job with its stored images' links. Errors: "job_not_found" (also another user's).
Result<JobView> GetJobView(const JobsDeps& deps, const auth::User& caller,
                           std::string_view job_id);

// Asks the job to stop: a queued one is canceled at once, a running one by its runner (its
// stored images are kept). Errors: "job_not_found" (also another user's).
Result<JobView> CancelJob(const JobsDeps& deps, const auth::User& caller, std::string_view job_id);

// Waits until the job is finished or `timeout_ms` passed; answers the job as it is then.
Result<JobView> WaitForJob(const JobsDeps& deps, const auth::User& caller,
                           std::string_view job_id, int64_t timeout_ms);

// The seeds of a job: `first`, first+1, ... when given, else a random one each.
std::vector<int64_t> JobSeeds(std::optional<int64_t> first, int count);

}  // namespace noisett::service
