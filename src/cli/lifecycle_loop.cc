#include "cli/lifecycle_loop.h"

#include <algorithm>
#include <chrono>

#include "auth/dev_issuer.h"
#include "core/log.h"

namespace noisett::cli {

Result<int64_t> ParseLifecycleInterval(std::string_view text) {
  if (text == "off" || text == "0") return int64_t{0};
  auto seconds = auth::ParseDuration(text);
  if (!seconds || *seconds < 60) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_interval",
                                "lifecycle interval \"" + std::string(text) +
                                    "\": expected off, or a duration of at least 60s (30m, 24h)"));
  }
  return *seconds;
}

LifecycleLoop::LifecycleLoop(const service::Service& service, int64_t interval_s,
                             int64_t first_delay_s)
    : service_(service),
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
  auth::User sweeper;
  sweeper.user_id = "lifecycle";
  sweeper.name = "lifecycle sweep";
  sweeper.roles = {std::string(auth::kAdminRole)};
  auto summary = service_.Run("lifecycle.run", sweeper, {});
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

std::string SweepSummaryLine(const nlohmann::json& summary) {
  std::string line = "scanned " + std::to_string(summary.value("scanned", int64_t{0}));
  // A named copy: items() of the temporary value() returns would dangle.
  const nlohmann::json actions = summary.value("actions", nlohmann::json::object());
  for (const auto& [action, tally] : actions.items()) {
    const int64_t count = tally.value("count", int64_t{0});
    if (count == 0) continue;
    line += "; " + action + " " + std::to_string(count) + " (" +
            Bytes(tally.value("bytes", uint64_t{0})) + ")";
  }
  const size_t errors = summary.value("errors", nlohmann::json::array()).size();
  line += "; errors " + std::to_string(errors);
  if (summary.value("dry_run", false)) line += " (dry run: nothing changed)";
  return line;
}

}  // namespace noisett::cli
