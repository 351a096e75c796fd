// lifecycle.run and lifecycle.export for operators.
#include "cli/lifecycle_cli.h"

#include <memory>

#include "app/app.h"
#include "cli/progress.h"
#include "lifecycle/policy.h"
#include "service/commands/commands.h"

namespace noisett::cli {
namespace {

int SetupError(std::FILE* err, const char* command, const Error& e) {
  std::fprintf(err, "noisett %s: %s\n", command, e.ToString().c_str());
  return 2;
}

void PrintTallies(std::FILE* out, const char* heading,
                  const std::map<std::string, lifecycle::Tally>& tallies) {
  std::fprintf(out, "%-16s %10s %16s\n", heading, "blobs", "bytes");
  for (const auto& [name, tally] : tallies) {
    std::fprintf(out, "%-16s %10lld %16llu\n", name.c_str(), static_cast<long long>(tally.count),
                 static_cast<unsigned long long>(tally.bytes));
  }
}

void PrintSummary(std::FILE* out, const lifecycle::SweepSummary& s) {
  std::fprintf(out, "lifecycle.run%s: %lld blobs and versions scanned\n",
               s.dry_run ? " (dry run: nothing was changed)" : "",
               static_cast<long long>(s.scanned));
  PrintTallies(out, s.dry_run ? "would do" : "done", s.actions);
  PrintTallies(out, "tier after", s.tiers);
  if (s.errors.empty()) {
    std::fprintf(out, "errors: none\n");
    return;
  }
  std::fprintf(out, "errors (%zu):\n", s.errors.size());
  for (const std::string& e : s.errors) std::fprintf(out, "  %s\n", e.c_str());
}

}  // namespace

int RunLifecycleSweep(const LifecycleArgs& args, const app::Config& config, std::FILE* out,
                      std::FILE* err) {
  auto opened = app::App::Open(config);
  if (!opened) return SetupError(err, "lifecycle.run", opened.error());
  // The bar starts once the listing is done and the total known.
  std::unique_ptr<Progress> bar;
  int64_t shown = 0;
  auto progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<Progress>(err, size_t(total), 50);
    for (; shown < done; ++shown) bar->Step("");
  };
  auto summary = service::RunLifecycle((*opened)->service().lifecycle(), args.dry_run, progress);
  if (bar) bar->Finish();
  if (!summary) return SetupError(err, "lifecycle.run", summary.error());
  if (args.json) {
    std::fprintf(out, "%s\n", service::SweepSummaryJson(*summary).dump(2).c_str());
  } else {
    PrintSummary(out, *summary);
  }
  return summary->errors.empty() ? 0 : 1;
}

// Needs no store or catalog: an operator can export from a machine without access to either.
int RunLifecycleExport(const app::Config& config, std::FILE* out, std::FILE* err) {
  std::string container = config.backend.container;
  const std::string& store = config.backend.store;
  if (store.rfind("azure://", 0) == 0 && store.find('/', 8) != std::string::npos) {
    container = store.substr(store.find('/', 8) + 1);  // azure://ACCOUNT/CONTAINER
  }
  auto policy = app::LoadLifecyclePolicy(config.backend, container);
  if (!policy) return SetupError(err, "lifecycle.export", policy.error());
  std::fputs(lifecycle::SerializePolicy(*policy).c_str(), out);
  return 0;
}

}  // namespace noisett::cli
