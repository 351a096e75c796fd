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
#include "service/service.h"

namespace noisett::cli {

// "24h", "30m", "3600" or "off"/"0" (no sweep): seconds, 0 for off. At least 60 s when on.
// Errors: kInvalidArgument "bad_interval".
Result<int64_t> ParseLifecycleInterval(std::string_view text);

// Runs lifecycle.run as an internal administrator `first_delay_s` after start and then every
// `interval_s` seconds, and logs its summary; stops and joins on destruction, without waiting
// for the next tick (a running sweep finishes first). The first pass comes soon rather than one
// interval later: a server restarted more often than the interval (daily deploys, a 24h
// interval) would otherwise never sweep.
class LifecycleLoop {
 public:
  LifecycleLoop(const service::Service& service, int64_t interval_s, int64_t first_delay_s = 60);
  ~LifecycleLoop();
  LifecycleLoop(const LifecycleLoop&) = delete;
  LifecycleLoop& operator=(const LifecycleLoop&) = delete;

 private:
  void Loop();
  void SweepOnce();

  const service::Service& service_;
  const int64_t interval_s_;
  const int64_t first_delay_s_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// One line for the log: "scanned 120; tierToCool 4 (1.2 MB); delete 2 (300 kB); errors 0".
std::string SweepSummaryLine(const nlohmann::json& summary);

}  // namespace noisett::cli
