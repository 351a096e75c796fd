// cost.estimate: JSON in, typed call, JSON out (with the same figures as a text table).
#include <cstdio>
#include <string>

#include "lifecycle/rendition_advice.h"
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/lifecycle_observer.h"

namespace noisett::service {
namespace {

nlohmann::json StoredJson(const lifecycle::StoreUsage& usage) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [tier, t] : usage.tiers) {
    out[CatalogTierName(tier)] = {{"blobs", t.blobs},
                                  {"bytes", t.bytes},
                                  {"billable_bytes", t.billable_bytes},
                                  {"blobs_under_minimum", t.small_blobs}};
  }
  return out;
}

nlohmann::json MeasuredJson(const MeasuredCost& measured, const lifecycle::Prices& prices,
                            std::string* table) {
  const std::string since = IsoTime(measured.counting_since);
  *table += "Measured: stored now (" + std::to_string(measured.usage.total_bytes()) +
            " bytes under generated/); operations and egress counted since " + since + "\n" +
            lifecycle::EstimateToText(measured.estimate);
  nlohmann::json out = lifecycle::EstimateToJson(measured.estimate);
  out["stored"] = StoredJson(measured.usage);
  const auto advice = lifecycle::AdviseRenditions(measured.usage, prices);
  out["renditions"] = lifecycle::AdviceToJson(advice);
  *table += lifecycle::AdviceToText(advice);
  out["counting_since"] = since;
  out["note"] =
      "storage is this month's cost of what is stored now (versions and soft-deleted blobs "
      "included, as Azure bills them); operations and egress are what this process counted since "
      "it started (links served by Azure or a CDN directly do not pass through it)";
  return out;
}

nlohmann::json ProjectedJson(const ProjectedCost& projected, std::string* table) {
  const lifecycle::Projection& p = projected.projection;
  char heading[256];
  std::snprintf(heading, sizeof heading,
                "Projection: %g users × %g images/month × %g MB, %s tier, month %g\n", p.users,
                p.images_per_user_month, p.avg_image_mb, p.subscription_tier.c_str(),
                projected.month.months_running);
  *table += heading + lifecycle::EstimateToText(projected.estimate);
  nlohmann::json out = lifecycle::EstimateToJson(projected.estimate);
  out["assumptions"] = projected.month.assumptions;
  return out;
}

Result<CostRequest> ReadCost(const nlohmann::json& args) {
  if (auto ok = OnlyFields(args, {"prices", "projection"}); !ok) return Unexpected(ok.error());
  CostRequest request;
  if (auto it = args.find("prices"); it != args.end() && !it->is_null()) {
    auto parsed = lifecycle::ParsePrices(*it);
    if (!parsed) return Unexpected(parsed.error());
    request.prices = *parsed;
  }
  if (auto it = args.find("projection"); it != args.end() && !it->is_null()) {
    auto projection = lifecycle::ParseProjection(*it);
    if (!projection) return Unexpected(projection.error());
    request.projection = std::move(*projection);
  }
  return request;
}

Result<std::string> Estimate(const CostDeps& deps, const CommandInput& in) {
  auto request = ReadCost(in.args);
  if (!request) return Unexpected(request.error());
  auto report = EstimateCost(deps, *request);
  if (!report) return Unexpected(report.error());
  std::string table;
  nlohmann::json out = {{"measured", MeasuredJson(report->measured, report->prices, &table)},
                        {"prices", lifecycle::PricesToJson(report->prices)}};
  if (report->projected) {
    table += "\n";
    out["projection"] = ProjectedJson(*report->projected, &table);
  }
  out["table"] = table;
  return DumpJson(out);
}

}  // namespace

void RegisterCostCommands(CommandRegistry& registry, const CostDeps& cost) {
  registry.Register(
      {.name = "cost.estimate",
       .admin_only = true,
       .run = [&cost](const CommandContext&, const CommandInput& i) { return Estimate(cost, i); }});
}

}  // namespace noisett::service
