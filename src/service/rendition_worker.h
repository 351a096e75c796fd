// Renditions in the background (issue 23): an upload or a generated image is answered once its
// JPEG pair and catalog row exist, with its renditions "pending"; this worker then makes the AVIF
// and WebP renditions (image/renditions.h), stores them beside the image with the image's tags,
// and records them (Catalog::SetRenditions), after which every answer lists their links.
//
// Nothing is lost if a process dies: the catalog still says "pending", and the sweep
// (SweepPending, every minute while Start()ed) finds those images again on any instance. Two
// instances may both make one image's renditions; the blobs are the same bytes under the same
// names, and the second SetRenditions writes the same list.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "image/renditions.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct RenditionTask {
  std::string user_id;
  std::string job_id;
  int index = 0;
  std::string blob_path;  // the stored full image: the source when `source` is empty
  std::string tier;       // the subscription_tier tag; "" reads the user's from the catalog
  std::string source;     // the bytes the image was made from (sharper than the stored JPEG)
};

struct RenditionDeps {
  storage::BlobStore& blobs;
  catalog::Catalog& catalog;
  const Clock& clock;
  metrics::Registry& metrics;
  std::vector<image::RenditionSpec> specs;  // what to make; not empty
  image::RenditionOptions options;
};

class RenditionWorker {
 public:
  // Bounds on what waits in memory. Past them a task is queued without its source bytes (the
  // stored JPEG is read instead), or not queued at all: it stays pending for the sweep.
  static constexpr size_t kMaxQueued = 10'000;
  static constexpr size_t kMaxQueuedSourceBytes = size_t{16} << 20;
  // The sweep takes images pending for longer than this: younger ones are most likely still in
  // some instance's queue.
  static constexpr int64_t kSweepMinAgeS = 120;

  explicit RenditionWorker(RenditionDeps deps);
  ~RenditionWorker();  // Stop()
  RenditionWorker(const RenditionWorker&) = delete;
  RenditionWorker& operator=(const RenditionWorker&) = delete;

  // Never blocks on an encode and never fails (see the bounds above). A task for an image that
  // is already queued or in the making is dropped.
  void Enqueue(RenditionTask task);

  // One thread that makes queued renditions one image at a time (each encode already uses both
  // cores) and sweeps every `sweep_every`. Idempotent.
  void Start(std::chrono::milliseconds sweep_every = std::chrono::minutes(1));
  // Lets the image in the making finish; what is still queued stays pending in the catalog.
  void Stop();

  // Makes every queued task on the calling thread (the CLI before it exits; tests); the number
  // made. Not while Start()ed.
  size_t Drain();
  // Queues the catalog's pending images older than `min_age_s` (at most 1000); how many.
  size_t SweepPending(int64_t min_age_s = kSweepMinAgeS);

  // One image's renditions, on the calling thread. Errors: the source's read, the pipeline's
  // (after which the image is recorded with none), the store's, the catalog's.
  Status Make(const RenditionTask& task);

  size_t queued() const;

 private:
  static std::string KeyOf(const RenditionTask& task);
  bool Pop(RenditionTask* task);  // false when empty
  void Done(const RenditionTask& task);
  void Run(std::chrono::milliseconds sweep_every);
  Result<std::string> SourceOf(const RenditionTask& task);
  std::string TierOf(const RenditionTask& task);
  Status Record(const RenditionTask& task, const std::vector<image::Rendition>& made,
                const std::string& tier);
  void UpdateQueueGauge();

  RenditionDeps deps_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<RenditionTask> queue_;
  std::set<std::string> pending_keys_;  // queued or in the making
  size_t source_bytes_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace noisett::service
