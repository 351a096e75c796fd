// The periodic lifecycle sweep inside `noisett serve` (NOISETT_LIFECYCLE_INTERVAL) on the local
// store: Azure applies the policy itself, so `serve` on Azure never starts one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"
#include "lifecycle/sweeper.h"
#include "service/lifecycle_run.h"

namespace noisett::cli {

// Runs a lifecycle pass (service::RunLifecycle) `first_delay_s` after start and then every
// `interval_s` seconds, and logs its summary; stops and joins on destruction, without waiting
// for the next tick (a running sweep finishes first). The first pass comes soon rather than one
// interval later: a server restarted more often than the interval (daily deploys, a 24h
// interval) would otherwise never sweep.
class LifecycleLoop {
 public:
  LifecycleLoop(const service::LifecycleDeps& lifecycle, int64_t interval_s,
                int64_t first_delay_s = 60);
  ~LifecycleLoop();
  LifecycleLoop(const LifecycleLoop&) = delete;
  LifecycleLoop& operator=(const LifecycleLoop&) = delete;

 private:
  void Loop();
  void SweepOnce();

  const service::LifecycleDeps& lifecycle_;
  const int64_t interval_s_;
  const int64_t first_delay_s_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// One line for the log: "scanned 120; tierToCool 4 (1.2 MB); delete 2 (300 kB); errors 0".
std::string SweepSummaryLine(const lifecycle::SweepSummary& summary);

}  // namespace noisett::cli
