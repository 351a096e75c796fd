// A lifecycle pass with the catalog observer.
#include "service/lifecycle_run.h"

#include <mutex>

#include "core/metric_names.h"
#include "core/metrics.h"
#include "core/text.h"
#include "service/lifecycle_observer.h"

namespace noisett::service {
namespace {

// Two passes at once would act on the same blobs twice (and the observer would see halves).
std::mutex& PassMutex() {
  static std::mutex mu;
  return mu;
}

// "tierToCool" -> "tier_to_cool": Prometheus label values in the metrics' snake_case.
std::string SnakeCase(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += AsciiLower(c);
    } else {
      out += c;
    }
  }
  return out;
}

void CountActions(const lifecycle::SweepSummary& summary, metrics::Registry& registry) {
  namespace names = metrics::names;
  for (const auto& [action, tally] : summary.actions) {
    if (tally.count == 0) continue;
    const metrics::Labels labels = {{"action", SnakeCase(action)}};
    registry.GetCounter(names::kLifecycleActions, names::kLifecycleActionsHelp, labels)
        .Inc(double(tally.count));
    registry.GetCounter(names::kLifecycleBytes, names::kLifecycleBytesHelp, labels)
        .Inc(double(tally.bytes));
  }
}

}  // namespace

Result<lifecycle::SweepSummary> RunLifecycle(const LifecycleDeps& deps, bool dry_run,
                                             std::function<void(int64_t, int64_t)> progress) {
  if (!deps.purge_expired) {
    return Unexpected(MakeError(
        ErrorCode::kUnsupported, "lifecycle_on_azure",
        "Azure applies the lifecycle policy itself on this store; install it with "
        "`noisett lifecycle.export` and `az storage account management-policy create`"));
  }
  std::unique_lock lock(PassMutex(), std::try_to_lock);
  if (!lock.owns_lock()) {
    return Unexpected(MakeError(ErrorCode::kConflict, "lifecycle_running",
                                "a lifecycle pass is already running; try again when it ends"));
  }
  const JobLifeDeps life{deps.catalog, deps.blobs, deps.clock, deps.soft_delete_days};
  CatalogSweepObserver observer(life);
  lifecycle::SweepOptions options;
  options.container = deps.container;
  options.dry_run = dry_run;
  options.soft_delete_seconds = deps.soft_delete_days * 86400;
  options.purge = deps.purge_expired;
  options.progress = std::move(progress);
  auto summary = lifecycle::Sweep(deps.blobs, deps.policy, deps.clock, observer, options);
  if (!summary) return summary;
  observer.Finish();
  for (const std::string& e : observer.errors()) summary->errors.push_back("catalog " + e);
  if (!dry_run) CountActions(*summary, deps.metrics);
  return summary;
}

}  // namespace noisett::service
