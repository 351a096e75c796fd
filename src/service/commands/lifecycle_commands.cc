// lifecycle.run, lifecycle.export: JSON in, typed call, JSON out.
#include "lifecycle/policy.h"
#include "service/commands/args.h"
#include "service/commands/commands.h"

namespace noisett::service {
namespace {

Result<std::string> Run(const LifecycleDeps& deps, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"dry_run"}); !ok) return Unexpected(ok.error());
  auto dry_run = BoolArg(in.args, "dry_run", false);
  if (!dry_run) return Unexpected(dry_run.error());
  auto summary = RunLifecycle(deps, *dry_run, in.progress);
  if (!summary) return Unexpected(summary.error());
  return DumpJson(SweepSummaryJson(*summary));
}

Result<std::string> Export(const LifecycleDeps& deps, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {}); !ok) return Unexpected(ok.error());
  return DumpJson(nlohmann::json::parse(lifecycle::SerializePolicy(deps.policy)));
}

}  // namespace

nlohmann::json SweepSummaryJson(const lifecycle::SweepSummary& summary) {
  auto tallies = [](const std::map<std::string, lifecycle::Tally>& map) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [name, tally] : map) {
      out[name] = {{"count", tally.count}, {"bytes", tally.bytes}};
    }
    return out;
  };
  return nlohmann::json{{"dry_run", summary.dry_run},
                        {"scanned", summary.scanned},
                        {"actions", tallies(summary.actions)},
                        {"tiers", tallies(summary.tiers)},
                        {"errors", summary.errors}};
}

void RegisterLifecycleCommands(CommandRegistry& registry, const LifecycleDeps& lifecycle) {
  registry.Register({.name = "lifecycle.run",
                     .admin_only = true,
                     .run = [&lifecycle](const CommandContext&, const CommandInput& i) {
                       return Run(lifecycle, i);
                     }});
  registry.Register({.name = "lifecycle.export",
                     .admin_only = true,
                     .run = [&lifecycle](const CommandContext&, const CommandInput& i) {
                       return Export(lifecycle, i);
                     }});
}

}  // namespace noisett::service
