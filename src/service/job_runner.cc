// The runner's scheduler (claim, renew, time limit, finish) and its image tasks.
#include "service/job_runner.h"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "catalog/catalog_errors.h"
#include "core/log.h"
#include "core/metric_names.h"
#include "image/pipeline.h"
#include "service/upload.h"

namespace noisett::service {

// One job this instance holds. Guarded by the runner's mutex, except `record`'s fixed fields
// (id, user, request, seeds), which never change after the claim.
struct JobRunner::Active {
  catalog::JobRecord record;
  catalog::Generation generation;  // the images stored so far
  std::string tier;                // the owner's, for the blobs' retention tags
  std::set<int> busy;              // indexes with a task in flight
  // When each prediction is polled next: steady time (scheduling, not a time anyone records).
  std::map<int, std::chrono::steady_clock::time_point> next_poll;
  std::map<int, int64_t> poll_wait_ms;
  int64_t renewed_at_ms = 0;
  std::atomic<bool> refresh{false};  // something may have changed elsewhere (a cancel)
  // Its owner asked to stop it: set by the job's listener as soon as the cancel is recorded on
  // this instance (so images not started yet are skipped), and by lease renewals.
  std::atomic<bool> cancel_seen{false};
  std::atomic<bool> listening{false};
  uint64_t ticket = 0;
  bool cancel = false;
  std::optional<Error> failure;
  std::chrono::steady_clock::time_point claimed = std::chrono::steady_clock::now();

  bool Stored(int index) const { return catalog::FindImage(generation, index) != nullptr; }
  int Missing() const { return int(record.seeds.size() - generation.images.size()); }
};

namespace {

bool IsCatalogOutage(const Error& e) {
  return e.reason == "catalog_unavailable" || e.reason == "catalog_busy";
}

generate::GenerateRequest RequestFor(const catalog::JobRecord& job, int64_t seed) {
  generate::GenerateRequest request;
  request.prompt = job.prompt;
  request.asset_type = job.asset_type;
  request.quality = job.quality;
  request.model = job.model;
  request.seeds = {seed};
  return request;
}

}  // namespace

int DefaultConcurrency(const generate::Generator& generator) {
  if (generator.remote()) return 32;
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

std::string DefaultInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device entropy;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", unsigned(entropy()));
  return std::string(host[0] ? host : "host") + "-" + std::to_string(getpid()) + "-" + suffix;
}

JobRunner::JobRunner(const GenerateDeps& deps, catalog::JobQueue& queue, JobEvents& events,
                     JobRunnerOptions options)
    : deps_(deps),
      queue_(queue),
      events_(events),
      options_(std::move(options)),
      generator_(*deps.generator) {
  if (options_.concurrency <= 0) options_.concurrency = DefaultConcurrency(generator_);
  if (options_.instance_id.empty()) options_.instance_id = DefaultInstanceId();
}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  // A local generator's tasks are its images: CPU, then the store's fsyncs and the catalog write,
  // so twice as many threads as jobs keep the cores busy while some wait on the disk. A remote
  // one's tasks are polls and downloads.
  const unsigned threads = generator_.remote() ? 4u : 2u * unsigned(options_.concurrency);
  pool_ = std::make_unique<TaskPool>("job runner", threads);
  scheduler_ = std::thread([this] { Loop(); });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  scheduler_.join();
  pool_->Drain();  // the images being made are stored
  pool_.reset();
  auto released = queue_.ReleaseLeases(options_.instance_id);
  if (!released) LogWarn("job runner: could not give up leases: " + released.error().ToString());
  std::lock_guard lock(mu_);
  for (const auto& [id, job] : active_) {
    events_.Forget(job->ticket);
    events_.SetLocal(id, false);
    events_.Notify(id);
  }
  active_.clear();
}

void JobRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

size_t JobRunner::running() const {
  std::lock_guard lock(mu_);
  return active_.size();
}

void JobRunner::Loop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    std::vector<std::shared_ptr<Active>> jobs;
    try {
      ClaimWhileRoom();
      {
        std::lock_guard lock(mu_);
        for (const auto& [id, job] : active_) jobs.push_back(job);
      }
      for (const auto& job : jobs) Tick(job);
      PublishGauges();
    } catch (const std::exception& e) {
      LogError(std::string("job runner: ") + e.what());
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms),
                 [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

void JobRunner::ClaimWhileRoom() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || active_.size() >= size_t(options_.concurrency)) return;
    }
    const int64_t now = deps_.store.clock.NowMillis();
    auto claimed = queue_.ClaimJob(options_.instance_id, {std::string(generator_.name())}, now,
                                   options_.lease_ms);
    if (!claimed) {
      LogWarn("job runner: cannot claim jobs: " + claimed.error().ToString());
      return;
    }
    if (!*claimed) return;
    auto job = std::make_shared<Active>();
    job->record = std::move(**claimed);
    job->renewed_at_ms = now;
    const std::string id = job->record.job_id;
    if (job->record.attempts > options_.max_attempts) {
      Error e = MakeError(ErrorCode::kInternal, "job_abandoned",
                          "the job was started " + std::to_string(job->record.attempts - 1) +
                              " times and its instance stopped each time");
      Finish(job, catalog::JobStatus::kFailed, &e);
      continue;
    }
    auto row = deps_.store.catalog.GetGeneration(job->record.user_id, id);
    if (!row) {
      // Its owner deleted the entry while it waited: nothing left to fill.
      Error e = MakeError(ErrorCode::kNotFound, "job_deleted",
                          "the job's history entry was deleted: " + row.error().message);
      Finish(job, catalog::JobStatus::kCanceled, &e);
      continue;
    }
    job->generation = std::move(*row);
    auto user = deps_.store.catalog.GetUser(job->record.user_id);
    job->tier = user ? user->subscription_tier : deps_.store.tiers.default_tier();
    job->cancel = job->record.cancel_requested;
    LogInfo("job runner: " + id + " claimed (attempt " + std::to_string(job->record.attempts) +
            ", " + std::to_string(job->Missing()) + " images to make)");
    {
      std::lock_guard lock(mu_);
      active_[id] = job;
    }
    events_.SetLocal(id, true);  // its changes are told by Notify from here on
    events_.Notify(id);
  }
}

void JobRunner::Tick(const std::shared_ptr<Active>& job) {
  const std::string& id = job->record.job_id;
  const int64_t now = deps_.store.clock.NowMillis();
  bool renew_due;
  {
    std::lock_guard lock(mu_);
    renew_due = now - job->renewed_at_ms >= options_.lease_ms / 3;
    if (!job->listening.exchange(true)) {
      // A cancel on this instance notifies the job: the listener reads whether it was a cancel
      // (on the notifying thread, before jobs.cancel answers), and the next tick re-reads the
      // lease. It touches only the job (shared) and the queue (the catalog outlives the
      // runner), never the runner, which may be gone when it is called.
      job->ticket = events_.WaitOnce(
          id,
          [job, queue = &queue_] {
            auto current = queue->GetJob(job->record.user_id, job->record.job_id);
            if (current && current->cancel_requested) job->cancel_seen = true;
            job->refresh = true;
            job->listening = false;
          },
          /*wake_on_poll=*/false);
    }
  }
  if (renew_due || job->refresh.exchange(false)) {
    auto renewed = queue_.RenewLease(id, options_.instance_id, now + options_.lease_ms);
    if (!renewed && !IsCatalogOutage(renewed.error())) {
      LogWarn("job runner: " + id + " is no longer ours: " + renewed.error().ToString());
      Drop(id);
      return;
    }
    if (renewed) {
      std::lock_guard lock(mu_);
      job->renewed_at_ms = now;
      job->cancel = job->cancel || renewed->cancel_requested;
    }
  }
  const int64_t limit = generator_.time_limit_ms();
  if (limit > 0 && job->record.started_at_ms && now - *job->record.started_at_ms > limit) {
    Fail(job, MakeError(ErrorCode::kUpstreamTimeout, "generator_timeout",
                        "the generator did not finish the job within " +
                            std::to_string(limit / 1000) + " s"));
  }
  bool busy, cancel, done;
  std::optional<Error> failure;
  {
    std::lock_guard lock(mu_);
    busy = !job->busy.empty();
    cancel = job->cancel || job->cancel_seen;
    done = job->Missing() == 0;
    failure = job->failure;
  }
  if (failure || cancel) {
    if (busy) return;  // the image being made is stored first
    if (failure) return Finish(job, catalog::JobStatus::kFailed, &*failure);
    return Finish(job, catalog::JobStatus::kCanceled, nullptr);
  }
  if (done) return Finish(job, catalog::JobStatus::kSucceeded, nullptr);
  if (generator_.remote()) {
    ScheduleRemote(job);
  } else {
    ScheduleLocal(job);
  }
}

void JobRunner::Finish(const std::shared_ptr<Active>& job, catalog::JobStatus status,
                       const Error* error) {
  const std::string& id = job->record.job_id;
  if (generator_.remote() && status != catalog::JobStatus::kSucceeded) {
    std::vector<std::string> running;
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < job->record.predictions.size(); ++i) {
        if (!job->record.predictions[i].empty() && !job->Stored(int(i))) {
          running.push_back(job->record.predictions[i]);
        }
      }
    }
    for (const std::string& prediction : running) generator_.CancelImage(prediction);
  }
  const int64_t now = deps_.store.clock.NowMillis();
  auto finished = queue_.FinishJob(id, options_.instance_id, status, error ? error->reason : "",
                                   error ? error->message : "", now);
  if (!finished && IsCatalogOutage(finished.error())) return;  // again at the next tick
  if (!finished) LogWarn("job runner: finishing " + id + ": " + finished.error().ToString());
  const std::string outcome(catalog::JobStatusName(status));
  LogInfo("job runner: " + id + " " + outcome + (error ? " (" + error->ToString() + ")" : ""));
  const std::string generator(generator_.name());
  deps_.store.metrics
      .GetCounter(metrics::names::kJobsFinished, metrics::names::kJobsFinishedHelp,
                  {{"generator", generator}, {"outcome", outcome}})
      .Inc();
  deps_.store.metrics
      .GetHistogram(metrics::names::kJobDuration, metrics::names::kJobDurationHelp,
                    {{"generator", generator}})
      .ObserveSince(job->claimed);
  Drop(id);
}

void JobRunner::Drop(const std::string& job_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = active_.find(job_id); it != active_.end()) {
      events_.Forget(it->second->ticket);
      active_.erase(it);
    }
  }
  events_.SetLocal(job_id, false);
  events_.Notify(job_id);
  Wake();  // room for another job
}

void JobRunner::Fail(const std::shared_ptr<Active>& job, Error error) {
  std::lock_guard lock(mu_);
  if (!job->failure) job->failure = std::move(error);
}

// Every image still to make goes to the pool at once: a local generator's images take CPU, so
// one job uses every thread the pool has (as many as jobs may run here) when it is alone.
void JobRunner::ScheduleLocal(const std::shared_ptr<Active>& job) {
  std::vector<int> indexes;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    for (int i = 0; i < int(job->record.seeds.size()); ++i) {
      if (!job->Stored(i) && !job->busy.contains(i)) indexes.push_back(i);
    }
    job->busy.insert(indexes.begin(), indexes.end());
  }
  for (int index : indexes) pool_->Post([this, job, index] { MakeLocalImage(job, index); });
}

void JobRunner::MakeLocalImage(const std::shared_ptr<Active>& job, int index) {
  bool skip;
  {
    std::lock_guard lock(mu_);
    // Canceled, failed or stopping since it was queued: an image not started is not made.
    skip = stopping_ || job->cancel || job->cancel_seen || job->failure.has_value();
    if (skip) job->busy.erase(index);
  }
  if (skip) return Wake();
  const int64_t seed = job->record.seeds[size_t(index)];
  const auto start = std::chrono::steady_clock::now();
  auto made = generator_.Generate(RequestFor(job->record, seed));
  deps_.store.metrics
      .GetHistogram(metrics::names::kGeneratorDuration, metrics::names::kGeneratorDurationHelp)
      .ObserveSince(start);
  if (!made) {
    Fail(job, made.error());
  } else if (made->size() != 1) {
    Fail(job, MakeError(ErrorCode::kInternal, "generator_failed",
                        "the generator returned " + std::to_string(made->size()) +
                            " images for one seed"));
  } else {
    StoreImage(job, index, made->front());
  }
  {
    std::lock_guard lock(mu_);
    job->busy.erase(index);
  }
  Wake();
}

void JobRunner::ScheduleRemote(const std::shared_ptr<Active>& job) {
  const std::string& id = job->record.job_id;
  for (int i = 0; i < int(job->record.seeds.size()); ++i) {
    std::string prediction;
    std::chrono::steady_clock::time_point next_poll;
    {
      std::lock_guard lock(mu_);
      if (stopping_ || job->failure || job->cancel || job->cancel_seen) return;
      if (job->Stored(i) || job->busy.contains(i)) continue;
      prediction = job->record.predictions[size_t(i)];
      next_poll = job->next_poll[i];
    }
    const int64_t seed = job->record.seeds[size_t(i)];
    const auto now = std::chrono::steady_clock::now();
    if (prediction.empty()) {
      auto started = generator_.StartImage(RequestFor(job->record, seed), seed);
      if (!started) return Fail(job, started.error());
      if (Status ok = queue_.RecordPrediction(id, options_.instance_id, i, *started); !ok) {
        generator_.CancelImage(*started);  // nobody could find it again
        if (!IsCatalogOutage(ok.error())) return Drop(id);
        return;
      }
      std::lock_guard lock(mu_);
      job->record.predictions[size_t(i)] = *started;
      job->poll_wait_ms[i] = options_.poll_initial_ms;
      job->next_poll[i] = now + std::chrono::milliseconds(options_.poll_initial_ms);
      continue;
    }
    if (now < next_poll) continue;
    {
      std::lock_guard lock(mu_);
      job->busy.insert(i);
    }
    pool_->Post([this, job, i, prediction] { PollPrediction(job, i, prediction); });
  }
}

void JobRunner::PollPrediction(const std::shared_ptr<Active>& job, int index,
                               std::string prediction) {
  const int64_t seed = job->record.seeds[size_t(index)];
  auto polled = generator_.PollImage(prediction, seed);
  if (!polled) {
    Fail(job, polled.error());
  } else if (!*polled) {
    std::lock_guard lock(mu_);
    int64_t& wait = job->poll_wait_ms[index];
    wait = std::min(std::max(wait * 2, options_.poll_initial_ms), options_.poll_max_ms);
    job->next_poll[index] = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
  } else {
    StoreImage(job, index, **polled);
  }
  {
    std::lock_guard lock(mu_);
    job->busy.erase(index);
  }
  Wake();
}

void JobRunner::StoreImage(const std::shared_ptr<Active>& job, int index,
                           const generate::GeneratedImage& made) {
  const UploadDeps& store = deps_.store;
  const auto quality = image::ParseQuality(job->record.quality).value_or(store.optimize.quality);
  const auto start = std::chrono::steady_clock::now();
  auto web = image::OptimizeForWeb(image::AsBytes(made.bytes),
                                   GeneratedImageOptions(store.optimize, quality));
  store.metrics
      .GetHistogram(metrics::names::kPipelineDuration, metrics::names::kPipelineDurationHelp)
      .ObserveSince(start);
  if (!web) {
    return Fail(job, MakeError(ErrorCode::kUpstreamFailed, "generator_failed",
                               "the generator's image was refused by the pipeline: " +
                                   web.error().ToString()));
  }
  catalog::Generation generation;
  std::string tier;
  {
    std::lock_guard lock(mu_);
    generation = job->generation;
    tier = job->tier;
  }
  auto stored = StoreJobImage(store, generation, index, made.seed, *web, tier, made.bytes);
  if (!stored) {
    if (catalog::reason::Is(stored.error(), catalog::reason::kJobNotFound)) {
      std::lock_guard lock(mu_);
      job->cancel = true;  // deleted by its owner meanwhile
      return;
    }
    return Fail(job, stored.error());
  }
  {
    std::lock_guard lock(mu_);
    job->generation.images.push_back(*stored);
    std::sort(job->generation.images.begin(), job->generation.images.end(),
              [](const auto& a, const auto& b) { return a.index < b.index; });
  }
  events_.Notify(job->record.job_id);
}

void JobRunner::PublishGauges() {
  // The queue's depth is a catalog count: every few seconds is enough for a gauge.
  const auto now = std::chrono::steady_clock::now();
  if (now - gauges_at_ < std::chrono::seconds(5)) return;
  gauges_at_ = now;
  auto queued = queue_.CountJobs(catalog::JobStatus::kQueued);
  if (queued) {
    deps_.store.metrics.GetGauge(metrics::names::kJobsQueued, metrics::names::kJobsQueuedHelp)
        .Set(double(*queued));
  }
  deps_.store.metrics.GetGauge(metrics::names::kJobsRunning, metrics::names::kJobsRunningHelp)
      .Set(double(running()));
}

}  // namespace noisett::service
