#include "cli/lifecycle_loop.h"

#include <algorithm>
#include <chrono>

#include "core/log.h"

namespace noisett::cli {

LifecycleLoop::LifecycleLoop(const service::LifecycleDeps& lifecycle, int64_t interval_s,
                             int64_t first_delay_s)
    : lifecycle_(lifecycle),
      interval_s_(interval_s),
      first_delay_s_(first_delay_s),
      thread_([this] { Loop(); }) {}

LifecycleLoop::~LifecycleLoop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LifecycleLoop::Loop() {
  int64_t wait_s = std::min(first_delay_s_, interval_s_);
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, std::chrono::seconds(wait_s), [this] { return stop_; })) {
    lock.unlock();
    SweepOnce();
    lock.lock();
    wait_s = interval_s_;
  }
}

void LifecycleLoop::SweepOnce() {
  auto summary = service::RunLifecycle(lifecycle_, /*dry_run=*/false);
  if (!summary) {
    LogWarn("lifecycle: sweep failed: " + summary.error().ToString());
    return;
  }
  LogInfo("lifecycle: " + SweepSummaryLine(*summary));
}

namespace {

std::string Bytes(uint64_t bytes) {
  char text[32];
  if (bytes >= 1000000000) {
    std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / 1e9);
  } else if (bytes >= 1000000) {
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.1f kB", double(bytes) / 1e3);
  }
  return text;
}

}  // namespace

std::string SweepSummaryLine(const lifecycle::SweepSummary& summary) {
  std::string line = "scanned " + std::to_string(summary.scanned);
  for (const auto& [action, tally] : summary.actions) {
    if (tally.count == 0) continue;
    line += "; " + action + " " + std::to_string(tally.count) + " (" + Bytes(tally.bytes) + ")";
  }
  line += "; errors " + std::to_string(summary.errors.size());
  if (summary.dry_run) line += " (dry run: nothing changed)";
  return line;
}

}  // namespace noisett::cli
