// The background rendition maker; see rendition_worker.h.
#include "service/rendition_worker.h"

#include <utility>

#include "catalog/catalog_errors.h"
#include "core/blob_paths.h"
#include "core/log.h"
#include "core/metric_names.h"
#include "lifecycle/retention.h"
#include "service/job_metadata.h"
#include "service/job_store.h"

namespace noisett::service {
namespace {

// The pipeline refused the bytes themselves: trying again cannot help.
bool IsPermanent(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kUnsupported ||
         e.code == ErrorCode::kTooLarge;
}

// The job or image went while its renditions were made: nothing to record, nothing to retry.
bool IsGone(const Error& e) { return e.code == ErrorCode::kNotFound; }

std::string Describe(const RenditionTask& task) {
  return task.user_id + "/" + task.job_id + " image " + std::to_string(task.index);
}

}  // namespace

RenditionWorker::RenditionWorker(RenditionDeps deps) : deps_(std::move(deps)) {}

RenditionWorker::~RenditionWorker() { Stop(); }

std::string RenditionWorker::KeyOf(const RenditionTask& task) {
  return task.user_id + "/" + task.job_id + "/" + std::to_string(task.index);
}

void RenditionWorker::Enqueue(RenditionTask task) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued) return;  // stays pending: the sweep finds it
    if (!pending_keys_.insert(KeyOf(task)).second) return;
    if (source_bytes_ + task.source.size() > kMaxQueuedSourceBytes) {
      task.source.clear();
      task.source.shrink_to_fit();
    }
    source_bytes_ += task.source.size();
    queue_.push_back(std::move(task));
  }
  UpdateQueueGauge();
  wake_.notify_one();
}

bool RenditionWorker::Pop(RenditionTask* task) {
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return false;
    *task = std::move(queue_.front());
    queue_.pop_front();
    source_bytes_ -= task->source.size();
  }
  UpdateQueueGauge();
  return true;
}

void RenditionWorker::Done(const RenditionTask& task) {
  std::lock_guard lock(mu_);
  pending_keys_.erase(KeyOf(task));
}

size_t RenditionWorker::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void RenditionWorker::UpdateQueueGauge() {
  deps_.metrics.GetGauge(metrics::names::kRenditionQueue, metrics::names::kRenditionQueueHelp)
      .Set(double(queued()));
}

size_t RenditionWorker::Drain() {
  size_t made = 0;
  RenditionTask task;
  while (Pop(&task)) {
    if (Make(task)) ++made;
    Done(task);
  }
  return made;
}

size_t RenditionWorker::SweepPending(int64_t min_age_s) {
  auto pending = deps_.catalog.ListPendingRenditions(deps_.clock.NowSeconds() - min_age_s, 1000);
  if (!pending) {
    LogWarn("renditions: could not list pending images: " + pending.error().ToString());
    return 0;
  }
  for (catalog::PendingRendition& p : *pending) {
    Enqueue({std::move(p.user_id), std::move(p.job_id), p.index, std::move(p.blob_path), "", ""});
  }
  return pending->size();
}

void RenditionWorker::Start(std::chrono::milliseconds sweep_every) {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, sweep_every] { Run(sweep_every); });
}

void RenditionWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RenditionWorker::Run(std::chrono::milliseconds sweep_every) {
  auto next_sweep = std::chrono::steady_clock::now();
  while (true) {
    if (std::chrono::steady_clock::now() >= next_sweep) {
      SweepPending();
      next_sweep = std::chrono::steady_clock::now() + sweep_every;
    }
    RenditionTask task;
    if (Pop(&task)) {
      // No exception may end the thread: a failure is one image left pending.
      try {
        (void)Make(task);
      } catch (const std::exception& e) {
        LogError("renditions: " + Describe(task) + ": " + e.what());
      }
      Done(task);
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (queue_.empty()) {
      wake_.wait_until(lock, next_sweep, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
    }
  }
}

Result<std::string> RenditionWorker::SourceOf(const RenditionTask& task) {
  if (!task.source.empty()) return task.source;
  auto blob = deps_.blobs.Get(task.blob_path);
  if (!blob) return Unexpected(blob.error());
  return std::move(blob->bytes);
}

std::string RenditionWorker::TierOf(const RenditionTask& task) {
  if (!task.tier.empty()) return task.tier;
  auto user = deps_.catalog.GetUser(task.user_id);
  return user ? user->subscription_tier : "free";
}

Status RenditionWorker::Record(const RenditionTask& task, const std::vector<image::Rendition>& made,
                               const std::string& tier) {
  std::vector<BlobWrite> writes;
  std::vector<JobBlobOptions> options;
  options.reserve(made.size());  // BlobWrite points into it
  std::vector<catalog::Rendition> records;
  for (const image::Rendition& r : made) {
    const std::string ext(image::FileExtension(r.format));
    options.push_back(BlobOptionsFor(tier, r.format));
    writes.push_back({RenditionBlobPath(task.user_id, task.job_id, task.index, r.size, ext),
                      r.bytes, &options.back().image});
    records.push_back({ext, r.size, r.width, r.height, r.bytes.size()});
  }
  std::vector<WrittenBlob> written;
  Status stored = PutAll(deps_.blobs, writes, &written);
  if (stored) stored = deps_.catalog.SetRenditions(task.user_id, task.job_id, task.index, records);
  if (!stored) {
    RollBack(deps_.blobs, written);
    return stored;
  }
  SyncMetadata(deps_.blobs, deps_.catalog, task.user_id, task.job_id,
               MetadataPutOptions({{std::string(lifecycle::kSubscriptionTierTag), tier}}));
  return Ok();
}

Status RenditionWorker::Make(const RenditionTask& task) {
  const auto start = std::chrono::steady_clock::now();
  auto count = [&](std::string_view result) {
    deps_.metrics
        .GetCounter(metrics::names::kRenditions, metrics::names::kRenditionsHelp,
                    {{"result", std::string(result)}})
        .Inc();
  };
  auto source = SourceOf(task);
  if (!source) {
    if (IsGone(source.error())) return Ok();
    count("retry");
    LogWarn("renditions: " + Describe(task) +
            ": source unreadable, left pending: " + source.error().ToString());
    return Unexpected(source.error());
  }
  auto made = image::MakeRenditions(image::AsBytes(*source), deps_.specs, deps_.options);
  if (!made) {
    if (!IsPermanent(made.error())) {
      count("retry");
      return Unexpected(made.error());
    }
    // Recorded with none, so that no sweep tries again; the JPEG pair still answers.
    count("failed");
    LogWarn("renditions: " + Describe(task) + ": " + made.error().ToString());
    Status none = deps_.catalog.SetRenditions(task.user_id, task.job_id, task.index, {});
    if (!none && !IsGone(none.error())) return none;
    return Unexpected(made.error());
  }
  Status recorded = Record(task, *made, TierOf(task));
  if (!recorded) {
    if (IsGone(recorded.error())) return Ok();
    count("retry");
    LogWarn("renditions: " + Describe(task) +
            ": not stored, left pending: " + recorded.error().ToString());
    return recorded;
  }
  count("ok");
  deps_.metrics
      .GetHistogram(metrics::names::kRenditionDuration, metrics::names::kRenditionDurationHelp)
      .ObserveSince(start);
  return Ok();
}

}  // namespace noisett::service
