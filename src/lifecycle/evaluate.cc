// Evaluating a policy for one blob or version (evaluate.h has the rules). Pure: `now` is passed in.
#include "lifecycle/evaluate.h"

#include <algorithm>

namespace noisett::lifecycle {
namespace {

constexpr int64_t kDay = 86400;

// Cheapest wins: a higher rank beats a lower one (delete, archive, cold, cool).
int Rank(ActionKind kind) {
  switch (kind) {
    case ActionKind::kTierToCool: return 1;
    case ActionKind::kTierToCold: return 2;
    case ActionKind::kTierToArchive: return 3;
    case ActionKind::kDelete: return 4;
  }
  return 0;
}

// Ages are whole days: "GreaterThan N" holds once more than N * 86400 s have passed.
bool OlderThan(int64_t since, int days, int64_t now) { return now - since > int64_t(days) * kDay; }

bool FiltersMatch(const Filters& filters, std::string_view container,
                  const storage::BlobProperties& blob, bool tags_indexed) {
  const auto& types = filters.blob_types;
  // Every blob Noisett writes is a block blob; no blobTypes means the default, blockBlob.
  if (!types.empty() && std::find(types.begin(), types.end(), "blockBlob") == types.end()) {
    return false;
  }
  if (!filters.prefixes.empty()) {
    const std::string full = std::string(container) + "/" + blob.name;
    if (std::none_of(filters.prefixes.begin(), filters.prefixes.end(),
                     [&](const std::string& p) { return full.compare(0, p.size(), p) == 0; })) {
      return false;
    }
  }
  if (filters.tag_matches.empty()) return true;
  if (!tags_indexed) return false;
  return std::all_of(filters.tag_matches.begin(), filters.tag_matches.end(),
                     [&](const TagMatch& t) {
                       const auto it = blob.tags.find(t.name);
                       return it != blob.tags.end() && it->second == t.value;
                     });
}

// What one blob's times are for the age conditions.
struct Ages {
  int64_t modified = 0;
  int64_t created = 0;
  int64_t last_access = 0;
  int64_t tier_changed = 0;
};

bool Due(const Action& action, const Ages& ages, int64_t now) {
  const int64_t since = action.basis == AgeBasis::kModification ? ages.modified
                        : action.basis == AgeBasis::kCreation   ? ages.created
                                                                : ages.last_access;
  if (!OlderThan(since, action.days, now)) return false;
  return !action.days_after_last_tier_change ||
         OlderThan(ages.tier_changed, *action.days_after_last_tier_change, now);
}

// The cheapest due action of `block` across enabled, matching rules. A tier action that would
// not make the blob cooler is no action; while an archived blob is being rehydrated Azure
// refuses tier changes, so only delete can apply then.
std::optional<Decision> Decide(const Policy& policy, std::string_view container,
                               const storage::BlobProperties& blob, const Ages& ages,
                               int64_t now, bool base) {
  std::optional<Decision> best;
  for (const Rule& rule : policy.rules) {
    if (!rule.enabled || !FiltersMatch(rule.filters, container, blob, base)) continue;
    for (const Action& action : base ? rule.base_blob : rule.version) {
      const auto target = TargetTier(action.kind);
      if (target && (*target <= blob.tier || !blob.archive_status.empty())) continue;
      if (!Due(action, ages, now)) continue;
      if (best && Rank(best->kind) >= Rank(action.kind)) continue;  // first rule wins a tie
      best = Decision{action.kind, target, rule.name};
    }
  }
  return best;
}

}  // namespace

std::optional<Decision> EvaluateBaseBlob(const Policy& policy, std::string_view container,
                                         const storage::BlobProperties& blob, int64_t now) {
  if (blob.deleted || !blob.is_current_version) return std::nullopt;
  // No access tracking locally: last access is last modification. Never tiered: since created.
  const Ages ages{blob.last_modified, blob.created, blob.last_modified,
                  blob.tier_changed != 0 ? blob.tier_changed : blob.created};
  return Decide(policy, container, blob, ages, now, /*base=*/true);
}

std::optional<Decision> EvaluateVersion(const Policy& policy, std::string_view container,
                                        const storage::BlobProperties& version, int64_t now) {
  if (version.deleted || version.is_current_version) return std::nullopt;
  // A previous version was created when its content was written.
  const int64_t created = version.last_modified;
  const Ages ages{created, created, created,
                  version.tier_changed != 0 ? version.tier_changed : created};
  return Decide(policy, container, version, ages, now, /*base=*/false);
}

}  // namespace noisett::lifecycle
