// The job runner: takes queued generation jobs from the catalog's JobQueue and makes their
// images, on an executor of its own (never on the request workers). One scheduler thread claims
// jobs while this instance has room (NOISETT_GENERATE_CONCURRENCY jobs in flight), renews their
// leases, notices cancel requests and, for a remote generator, starts and polls every job's
// predictions itself: no thread waits on a model. The work that takes CPU (a local generator's
// image, an output's download, the pipeline, the store) runs on a small task pool.
//
// Durability: every image is stored (blobs, then its catalog row) as soon as it is made, and a
// remote prediction's id is recorded before it is polled. An instance that dies leaves its jobs
// running with a lease that expires; any instance then claims them, skips the images already
// stored and re-attaches to the recorded predictions (the provider is not paid twice, except for
// a prediction created in the instant before its id was recorded). Stop() (SIGTERM) gives the
// leases up at once, so the next instance resumes the jobs without waiting for them to expire.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "catalog/job_queue.h"
#include "core/task_pool.h"
#include "service/generate_images.h"
#include "service/job_events.h"

namespace noisett::service {

struct JobRunnerOptions {
  std::string instance_id;  // NOISETT_INSTANCE_ID: names this instance's leases
  int concurrency = 0;      // NOISETT_GENERATE_CONCURRENCY; 0: DefaultConcurrency(generator)
  int64_t lease_ms = 30000;  // NOISETT_GENERATE_LEASE: an instance silent this long lost its jobs
  int64_t tick_ms = 500;     // how often the scheduler claims, renews and polls
  int64_t poll_initial_ms = 1000;  // a prediction's first poll wait, doubled up to poll_max_ms
  int64_t poll_max_ms = 4000;
  int max_attempts = 3;  // claims of one job before it is failed ("job_abandoned")
};

// Jobs in flight per instance when not configured: the cores for a local generator (its images
// take CPU), 32 for a remote one (they wait on the provider, not on us).
int DefaultConcurrency(const generate::Generator& generator);

// A unique id for this process's leases: host name, process id and random bits.
std::string DefaultInstanceId();

class JobRunner {
 public:
  // `deps` and `events` outlive the runner; deps.generator must be set.
  JobRunner(const GenerateDeps& deps, catalog::JobQueue& queue, JobEvents& events,
            JobRunnerOptions options);
  ~JobRunner();  // Stop()
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void Start();
  // Stops claiming, lets the images being made finish (and be stored), then gives up every lease:
  // the jobs stay running in the catalog, for the next claim to resume. Idempotent.
  void Stop();
  // A job was queued: claim now rather than at the next tick.
  void Wake();

  // Jobs this instance holds now.
  size_t running() const;
  const JobRunnerOptions& options() const { return options_; }

 private:
  struct Active;

  void Loop();
  void ClaimWhileRoom();
  void Tick(const std::shared_ptr<Active>& job);
  void Finish(const std::shared_ptr<Active>& job, catalog::JobStatus status, const Error* error);
  void Drop(const std::string& job_id);
  void ScheduleLocal(const std::shared_ptr<Active>& job);
  void ScheduleRemote(const std::shared_ptr<Active>& job);
  void MakeLocalImage(const std::shared_ptr<Active>& job, int index);
  void PollPrediction(const std::shared_ptr<Active>& job, int index, std::string prediction);
  void StoreImage(const std::shared_ptr<Active>& job, int index, const generate::GeneratedImage& made);
  void Fail(const std::shared_ptr<Active>& job, Error error);
  void PublishGauges();

  const GenerateDeps& deps_;
  catalog::JobQueue& queue_;
  JobEvents& events_;
  JobRunnerOptions options_;
  generate::Generator& generator_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  bool started_ = false;
  std::map<std::string, std::shared_ptr<Active>> active_;
  std::chrono::steady_clock::time_point gauges_at_;  // the scheduler's alone
  std::unique_ptr<TaskPool> pool_;
  std::thread scheduler_;
};

}  // namespace noisett::service
