// cost.estimate: what the store holds now, priced per tier, plus the operations and egress this
// process has counted, and optionally the design document's projection for N users.
#include <cstdio>
#include <string>

#include "core/metric_names.h"
#include "core/metrics.h"
#include "lifecycle/cost.h"
#include "lifecycle/usage.h"
#include "service/args.h"
#include "service/job_json.h"
#include "service/lifecycle_observer.h"
#include "service/service.h"

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
      case OperationClass::kWrite: activity.operations.write += count; break;
      case OperationClass::kRead: activity.operations.read += count; break;
      case OperationClass::kOther: activity.operations.other += count; break;
      case OperationClass::kFree: activity.operations.free += count; break;
    }
  }
  return activity;
}

nlohmann::json StoredJson(const lifecycle::StoreUsage& usage) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [tier, t] : usage.tiers) {
    out[CatalogTierName(tier)] = {{"blobs", t.blobs}, {"bytes", t.bytes}};
  }
  return out;
}

Result<nlohmann::json> Measured(ServiceDeps& deps, const lifecycle::Prices& prices,
                                int64_t counting_since, std::string* table) {
  auto usage = lifecycle::ScanUsage(deps.blobs, "generated/");
  if (!usage) return Unexpected(usage.error());
  const Activity activity = ReadActivity(metrics::Global());
  lifecycle::CostInput input;
  for (const auto& [tier, t] : usage->tiers) input.bytes[tier] = double(t.bytes);
  input.operations = activity.operations;
  input.egress_bytes = activity.egress_bytes;
  const lifecycle::CostEstimate estimate = lifecycle::Estimate(input, prices);
  const std::string since = IsoTime(counting_since);
  *table += "Measured: stored now (" + std::to_string(usage->total_bytes()) +
            " bytes under generated/); operations and egress counted since " + since + "\n" +
            lifecycle::EstimateToText(estimate);
  nlohmann::json out = lifecycle::EstimateToJson(estimate);
  out["stored"] = StoredJson(*usage);
  out["counting_since"] = since;
  out["note"] =
      "storage is this month's cost of what is stored now (versions and soft-deleted blobs "
      "included, as Azure bills them); operations and egress are what this process counted since "
      "it started (links served by Azure or a CDN directly do not pass through it)";
  return out;
}

Result<nlohmann::json> Projected(const nlohmann::json& args,
                                 const lifecycle::RetentionConfig& retention,
                                 const lifecycle::Prices& prices, std::string* table) {
  auto projection = lifecycle::ParseProjection(args);
  if (!projection) return Unexpected(projection.error());
  const lifecycle::ProjectedMonth month = lifecycle::Project(*projection, retention);
  const lifecycle::CostEstimate estimate = lifecycle::Estimate(month.input, prices);
  char heading[256];
  std::snprintf(heading, sizeof heading,
                "Projection: %g users × %g images/month × %g MB, %s tier, month %g\n",
                projection->users, projection->images_per_user_month, projection->avg_image_mb,
                projection->subscription_tier.c_str(), month.months_running);
  *table += heading + lifecycle::EstimateToText(estimate);
  nlohmann::json out = lifecycle::EstimateToJson(estimate);
  out["assumptions"] = month.assumptions;
  return out;
}

Result<nlohmann::json> EstimateCost(ServiceDeps& deps, int64_t counting_since,
                                    const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"prices", "projection"}); !ok) return Unexpected(ok.error());
  lifecycle::Prices prices;
  if (auto it = in.args.find("prices"); it != in.args.end() && !it->is_null()) {
    auto parsed = lifecycle::ParsePrices(*it);
    if (!parsed) return Unexpected(parsed.error());
    prices = *parsed;
  }
  std::string table;
  auto measured = Measured(deps, prices, counting_since, &table);
  if (!measured) return measured;
  nlohmann::json out = {{"measured", std::move(*measured)},
                        {"prices", lifecycle::PricesToJson(prices)}};
  if (auto it = in.args.find("projection"); it != in.args.end() && !it->is_null()) {
    table += "\n";
    auto projected = Projected(*it, deps.config.retention, prices, &table);
    if (!projected) return projected;
    out["projection"] = std::move(*projected);
  }
  out["table"] = table;
  return out;
}

}  // namespace

void RegisterCostCommands(CommandRegistry& registry, ServiceDeps& deps) {
  // Metrics count per process; the service starts with it, so this is when counting began.
  const int64_t counting_since = deps.clock.NowSeconds();
  registry.Register(
      {"cost.estimate",
       "monthly cost of what is stored, per tier, plus operations and egress: {prices?, "
       "projection?: {users, images_per_user_month, avg_image_mb, subscription_tier, "
       "cdn_egress_gb_month}}",
       true, false, [&deps, counting_since](const CommandContext&, const CommandInput& i) {
         return EstimateCost(deps, counting_since, i);
       }});
}

}  // namespace noisett::service
