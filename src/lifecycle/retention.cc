// Retention by subscription tier and the policy generated from it (retention.h).
#include "lifecycle/retention.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace noisett::lifecycle {
namespace {

constexpr int kMaxRetentionDays = 99999;

Unexpected BadRetention(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_retention", std::move(message)));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "90" or "never".
Result<std::optional<int>> ParseDays(std::string_view tier, std::string_view text) {
  if (text == "never") return std::optional<int>();
  int days = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
  if (ec != std::errc() || end != text.data() + text.size() || days < 1 ||
      days > kMaxRetentionDays) {
    return BadRetention("retention for " + std::string(tier) + ": expected 1..99999 days or " +
                        "\"never\", got \"" + std::string(text) + "\"");
  }
  return std::optional<int>(days);
}

Filters GeneratedImages(std::string_view container) {
  return Filters{{"blockBlob"}, {std::string(container) + "/generated/"}, {}};
}

Action OnModification(ActionKind kind, int days) {
  return Action{kind, AgeBasis::kModification, days, std::nullopt};
}
Action OnCreation(ActionKind kind, int days) {
  return Action{kind, AgeBasis::kCreation, days, std::nullopt};
}

}  // namespace

const std::vector<std::string>& SubscriptionTiers() {
  static const std::vector<std::string> tiers = {"free", "basic", "pro", "enterprise"};
  return tiers;
}

bool IsSubscriptionTier(std::string_view tier) {
  const auto& tiers = SubscriptionTiers();
  return std::find(tiers.begin(), tiers.end(), tier) != tiers.end();
}

Result<RetentionConfig> ParseRetentionDays(std::string_view text, RetentionConfig base) {
  std::set<std::string, std::less<>> seen;
  while (!Trim(text).empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return BadRetention("expected TIER=DAYS, got \"" + std::string(item) + "\"");
    }
    const std::string_view tier = Trim(item.substr(0, eq));
    if (!IsSubscriptionTier(tier)) {
      return BadRetention("unknown subscription tier \"" + std::string(tier) +
                          "\" (expected free, basic, pro or enterprise)");
    }
    if (!seen.emplace(tier).second) {
      return BadRetention("subscription tier " + std::string(tier) + " given twice");
    }
    auto days = ParseDays(tier, Trim(item.substr(eq + 1)));
    if (!days) return Unexpected(days.error());
    base.delete_days[std::string(tier)] = *days;
  }
  return base;
}

Policy DefaultPolicy(std::string_view container, const RetentionConfig& retention) {
  Policy policy;
  const Filters images = GeneratedImages(container);
  policy.rules.push_back(
      Rule{"tier-to-cool", true, images,
           {OnModification(ActionKind::kTierToCool, retention.cool_days)}, {}, {}});
  Action archive = OnModification(ActionKind::kTierToArchive, retention.archive_days);
  archive.days_after_last_tier_change = retention.rehydrated_days;
  // Images and thumbnails only (kBlobKindTag in retention.h): metadata.json stays online.
  Filters image_blobs = images;
  image_blobs.tag_matches.push_back(
      TagMatch{std::string(kBlobKindTag), std::string(kBlobKindImage)});
  policy.rules.push_back(Rule{"tier-to-archive", true, image_blobs, {archive}, {}, {}});
  // Azure keeps a current version while older versions or snapshots exist, so each delete rule
  // deletes all three together.
  for (const std::string& tier : SubscriptionTiers()) {
    const auto it = retention.delete_days.find(tier);
    if (it == retention.delete_days.end() || !it->second) continue;
    Filters tagged = images;
    tagged.tag_matches.push_back(TagMatch{std::string(kSubscriptionTierTag), tier});
    policy.rules.push_back(Rule{"delete-" + tier + "-tier", true, tagged,
                                {OnModification(ActionKind::kDelete, *it->second)},
                                {OnCreation(ActionKind::kDelete, *it->second)},
                                {OnCreation(ActionKind::kDelete, *it->second)}});
  }
  // Previous versions are not in the blob index, so tag-filtered rules never see them.
  policy.rules.push_back(Rule{"delete-previous-versions", true, images, {},
                              {OnCreation(ActionKind::kDelete, retention.version_days)},
                              {OnCreation(ActionKind::kDelete, retention.version_days)}});
  return policy;
}

}  // namespace noisett::lifecycle
