#include "cli/lifecycle_cli.h"

#include <memory>

#include "cli/progress.h"
#include "core/clock.h"
#include "lifecycle/policy.h"

namespace noisett::cli {
namespace {

int SetupError(std::FILE* err, const char* command, const Error& e) {
  std::fprintf(err, "noisett %s: %s\n", command, e.ToString().c_str());
  return 2;
}

void PrintTallies(std::FILE* out, const char* heading, const nlohmann::json& tallies) {
  std::fprintf(out, "%-16s %10s %16s\n", heading, "blobs", "bytes");
  for (const auto& [name, tally] : tallies.items()) {
    std::fprintf(out, "%-16s %10lld %16llu\n", name.c_str(),
                 static_cast<long long>(tally.value("count", int64_t{0})),
                 static_cast<unsigned long long>(tally.value("bytes", uint64_t{0})));
  }
}

void PrintSummary(std::FILE* out, const nlohmann::json& s) {
  const bool dry = s.value("dry_run", false);
  std::fprintf(out, "lifecycle.run%s: %lld blobs and versions scanned\n",
               dry ? " (dry run: nothing was changed)" : "",
               static_cast<long long>(s.value("scanned", int64_t{0})));
  PrintTallies(out, dry ? "would do" : "done", s.value("actions", nlohmann::json::object()));
  PrintTallies(out, "tier after", s.value("tiers", nlohmann::json::object()));
  const auto errors = s.value("errors", nlohmann::json::array());
  if (errors.empty()) {
    std::fprintf(out, "errors: none\n");
    return;
  }
  std::fprintf(out, "errors (%zu):\n", errors.size());
  for (const auto& e : errors) std::fprintf(out, "  %s\n", e.get<std::string>().c_str());
}

auth::User Operator() {
  auth::User op;
  op.user_id = "operator";
  op.name = "operator (CLI)";
  op.roles = {std::string(auth::kAdminRole)};
  return op;
}

}  // namespace

int RunLifecycleSweep(const LifecycleArgs& args, std::FILE* out, std::FILE* err) {
  auto backend = Backend::Open(WithPublicUrl(args.backend), SystemClock::Instance());
  if (!backend) return SetupError(err, "lifecycle.run", backend.error());
  // The bar starts once the listing is done and the total known.
  std::unique_ptr<Progress> bar;
  int64_t shown = 0;
  service::CommandInput input;
  input.args = {{"dry_run", args.dry_run}};
  input.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<Progress>(err, size_t(total), 50);
    for (; shown < done; ++shown) bar->Step("");
  };
  auto summary = (*backend)->service().Run("lifecycle.run", Operator(), input);
  if (bar) bar->Finish();
  if (!summary) return SetupError(err, "lifecycle.run", summary.error());
  if (args.json) {
    std::fprintf(out, "%s\n", summary->dump(2).c_str());
  } else {
    PrintSummary(out, *summary);
  }
  return summary->value("errors", nlohmann::json::array()).empty() ? 0 : 1;
}

// Needs no store or catalog: an operator can export from a machine without access to either.
int RunLifecycleExport(const LifecycleArgs& args, std::FILE* out, std::FILE* err) {
  std::string container = args.backend.container;
  const std::string& store = args.backend.store;
  if (store.rfind("azure://", 0) == 0 && store.find('/', 8) != std::string::npos) {
    container = store.substr(store.find('/', 8) + 1);  // azure://ACCOUNT/CONTAINER
  }
  auto policy = LifecyclePolicyFromFlags(args.backend, container);
  if (!policy) return SetupError(err, "lifecycle.export", policy.error());
  std::fputs(lifecycle::SerializePolicy(*policy).c_str(), out);
  return 0;
}

}  // namespace noisett::cli
