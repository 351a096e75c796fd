// The cost estimate from the store's usage and the process's counters.
#include "service/cost_report.h"

#include <string>

#include "core/metric_names.h"

namespace noisett::service {
namespace {

using lifecycle::OperationClass;

struct Activity {
  lifecycle::OperationCounts operations;
  double egress_bytes = 0;
};

// Blob operations by billing class and egress bytes, as counted so far (the op label is what
// decides the price).
Activity ReadActivity(metrics::Registry& registry) {
  Activity activity;
  activity.egress_bytes = registry.Sum(metrics::names::kEgressBytes);
  for (const auto& [labels, count] : registry.Samples(metrics::names::kBlobOperations)) {
    std::string op;
    for (const auto& [key, value] : labels) {
      if (key == "op") op = value;
    }
    switch (lifecycle::ClassifyOperation(op)) {
      case OperationClass::kWrite:
        activity.operations.write += count;
        break;
      case OperationClass::kRead:
        activity.operations.read += count;
        break;
      case OperationClass::kOther:
        activity.operations.other += count;
        break;
      case OperationClass::kFree:
        activity.operations.free += count;
        break;
    }
  }
  return activity;
}

}  // namespace

Result<CostReport> EstimateCost(const CostDeps& deps, const CostRequest& request) {
  auto usage = lifecycle::ScanUsage(deps.blobs, "generated/", request.prices.MinBillableBytes());
  if (!usage) return Unexpected(usage.error());
  const Activity activity = ReadActivity(deps.metrics);
  lifecycle::CostInput input;
  for (const auto& [tier, t] : usage->tiers) {
    input.bytes[tier] = double(t.billable_bytes);
    if (t.small_blobs > 0) {
      input.tier_notes[tier] = std::to_string(t.small_blobs) + " blobs under " +
                               std::to_string(uint64_t(request.prices.min_billable_kib)) +
                               " KiB billed as " +
                               std::to_string(uint64_t(request.prices.min_billable_kib)) + " KiB";
    }
  }
  input.operations = activity.operations;
  input.egress_bytes = activity.egress_bytes;
  CostReport report;
  report.prices = request.prices;
  report.measured.estimate = lifecycle::Estimate(input, request.prices);
  report.measured.usage = std::move(*usage);
  report.measured.counting_since = deps.counting_since;
  if (request.projection) {
    ProjectedCost projected;
    projected.projection = *request.projection;
    projected.month = lifecycle::Project(projected.projection, deps.retention,
                                         request.prices.MinBillableBytes());
    projected.estimate = lifecycle::Estimate(projected.month.input, request.prices);
    report.projected = std::move(projected);
  }
  return report;
}

}  // namespace noisett::service
