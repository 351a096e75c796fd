// The sweeper: one pass of the lifecycle policy over a store (see sweeper.h).
#include "lifecycle/sweeper.h"

#include <optional>

#include "lifecycle/evaluate.h"

namespace noisett::lifecycle {
namespace {

using storage::AccessTier;
using storage::BlobProperties;

constexpr std::string_view kDeleteVersion = "deleteVersion";
constexpr std::string_view kPurge = "purge";

SweepSummary EmptySummary(bool dry_run) {
  SweepSummary summary;
  summary.dry_run = dry_run;
  for (std::string_view action : {"tierToCool", "tierToCold", "tierToArchive", "delete",
                                  "deleteVersion", "purge"}) {
    summary.actions[std::string(action)] = {};
  }
  for (AccessTier tier :
       {AccessTier::kHot, AccessTier::kCool, AccessTier::kCold, AccessTier::kArchive}) {
    summary.tiers[std::string(storage::AccessTierName(tier))] = {};
  }
  return summary;
}

// Everything under the prefix: current and previous versions, soft-deleted blobs, with tags.
// Listed before acting, so the pass knows its total for the progress bar and never sees its
// own changes.
Result<std::vector<BlobProperties>> ListAll(storage::BlobStore& store, const std::string& prefix) {
  storage::ListOptions options;
  options.prefix = prefix;
  options.include_deleted = true;
  options.include_versions = true;
  options.include_tags = true;
  options.max_results = 5000;
  std::vector<BlobProperties> items;
  auto listed = storage::ForEachListed(
      store, options, [&items](BlobProperties& item) { items.push_back(std::move(item)); });
  if (!listed) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, listed.error().reason,
                                "lifecycle: cannot list the store: " + listed.error().message));
  }
  return items;
}

class Pass {
 public:
  Pass(storage::BlobStore& store, const Policy& policy, int64_t now, SweepObserver& observer,
       const SweepOptions& options)
      : store_(store), policy_(policy), now_(now), observer_(observer), options_(options),
        summary_(EmptySummary(options.dry_run)) {}

  // One listed item: acts on it and counts where its bytes are after the pass.
  void Visit(const BlobProperties& item) {
    ++summary_.scanned;
    // Where the item's bytes are after the pass; nullopt: gone.
    const std::optional<AccessTier> after = item.deleted              ? VisitDeleted(item)
                                            : item.is_current_version ? VisitCurrent(item)
                                                                      : VisitVersion(item);
    if (after) Count(std::string(storage::AccessTierName(*after)), item.size, &summary_.tiers);
  }

  // The purge step: the store says what it purged (or, in a dry run, would purge).
  void Purge() {
    if (!options_.purge) return;
    auto purged = options_.purge(options_.dry_run);
    if (!purged) {
      summary_.errors.push_back("purge: " + purged.error().ToString());
      return;
    }
    std::vector<std::string> names;
    for (const BlobProperties& blob : *purged) {
      Count(std::string(kPurge), blob.size, &summary_.actions);
      names.push_back(blob.name);
    }
    if (!names.empty() && !options_.dry_run) observer_.OnPurged(names);
  }

  SweepSummary Take() { return std::move(summary_); }

 private:
  static void Count(const std::string& key, uint64_t bytes, std::map<std::string, Tally>* map) {
    Tally& tally = (*map)[key];
    tally.count += 1;
    tally.bytes += bytes;
  }

  void Failed(const BlobProperties& item, const Error& error) {
    std::string name = item.name;
    if (!item.is_current_version) name += " (version " + item.version_id + ")";
    summary_.errors.push_back(name + ": " + error.ToString());
  }

  // A soft-deleted blob stays where it is until purged; one past the window is purged by this
  // pass (counted from the store's answer in Purge).
  std::optional<AccessTier> VisitDeleted(const BlobProperties& item) {
    const bool expired = item.deleted_at + options_.soft_delete_seconds <= now_;
    if (!expired || !options_.purge) return item.tier;
    return std::nullopt;
  }

  std::optional<AccessTier> VisitCurrent(const BlobProperties& item) {
    auto decision = EvaluateBaseBlob(policy_, options_.container, item, now_);
    if (!decision) return item.tier;
    const std::string action(ActionKindName(decision->kind));
    if (decision->kind == ActionKind::kDelete) {
      if (!options_.dry_run) {
        if (auto ok = store_.Delete(item.name); !ok) {
          Failed(item, ok.error());
          return item.tier;
        }
        observer_.OnDeleted(item.name, now_);
      }
      Count(action, item.size, &summary_.actions);
      return item.tier;  // soft-deleted: its bytes stay until the purge
    }
    if (!decision->tier) return item.tier;
    if (!options_.dry_run) {
      if (auto ok = store_.SetTier(item.name, *decision->tier); !ok) {
        Failed(item, ok.error());
        return item.tier;
      }
      observer_.OnTierChanged(item.name, *decision->tier);
    }
    Count(action, item.size, &summary_.actions);
    return decision->tier;
  }

  // Previous versions: only deletion (the store cannot tier a single version).
  std::optional<AccessTier> VisitVersion(const BlobProperties& item) {
    auto decision = EvaluateVersion(policy_, options_.container, item, now_);
    if (!decision || decision->kind != ActionKind::kDelete) return item.tier;
    if (!options_.dry_run) {
      if (auto ok = store_.DeleteVersion(item.name, item.version_id); !ok) {
        Failed(item, ok.error());
        return item.tier;
      }
    }
    Count(std::string(kDeleteVersion), item.size, &summary_.actions);
    return std::nullopt;
  }

  storage::BlobStore& store_;
  const Policy& policy_;
  const int64_t now_;
  SweepObserver& observer_;
  const SweepOptions& options_;
  SweepSummary summary_;
};

}  // namespace

Result<SweepSummary> Sweep(storage::BlobStore& store, const Policy& policy, const Clock& clock,
                           SweepObserver& observer, const SweepOptions& options) {
  auto items = ListAll(store, options.prefix);
  if (!items) return Unexpected(items.error());
  Pass pass(store, policy, clock.NowSeconds(), observer, options);
  const int64_t total = int64_t(items->size());
  for (int64_t done = 0; done < total; ++done) {
    pass.Visit((*items)[size_t(done)]);
    if (options.progress) options.progress(done + 1, total);
  }
  pass.Purge();
  return pass.Take();
}

}  // namespace noisett::lifecycle
