// Retention by subscription tier (design document, "Retention by Tier"): the days after which
// each tier's images are deleted, and the lifecycle policy Noisett ships and applies, generated
// from them so deploy/azure/blob-lifecycle-policy.json, `noisett lifecycle.export` and the local
// sweeper can never disagree.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "lifecycle/policy.h"

namespace noisett::lifecycle {

// The blob index tags Noisett sets and the policy filters on. Every blob it writes carries
// subscription_tier (the delete rules); image and thumbnail blobs also carry blob_kind=image, the
// only blobs tier-to-archive moves: a lifecycle filter cannot leave out a file name, and an
// archived metadata.json could be neither read (fsck, catalog.rebuild) nor rewritten (an upload
// into an old job), so metadata.json never gets blob_kind.
inline constexpr std::string_view kSubscriptionTierTag = "subscription_tier";
inline constexpr std::string_view kBlobKindTag = "blob_kind";
inline constexpr std::string_view kBlobKindImage = "image";

// The subscription tiers, in order: "free", "basic", "pro", "enterprise".
const std::vector<std::string>& SubscriptionTiers();
bool IsSubscriptionTier(std::string_view tier);

struct RetentionConfig {
  int cool_days = 30;      // tierToCool after
  int archive_days = 90;   // tierToArchive after
  int rehydrated_days = 7; // a rehydrated blob stays out of archive this long
  int version_days = 90;   // previous versions deleted after
  // Days until deletion per subscription tier; nullopt: never (enterprise by default).
  std::map<std::string, std::optional<int>> delete_days = {
      {"free", 90}, {"basic", 180}, {"pro", 365}, {"enterprise", std::nullopt}};
};

// "free=90,basic=180,pro=365,enterprise=never" (NOISETT_RETENTION_DAYS); tiers left out keep
// their defaults. Errors: kInvalidArgument "bad_retention" (unknown tier, days not 1..99999 or
// "never").
Result<RetentionConfig> ParseRetentionDays(std::string_view text, RetentionConfig base = {});

// The policy for CONTAINER: tier-to-cool, tier-to-archive (blob_kind=image blobs only, guarded
// by daysAfterLastTierChangeGreaterThan), one delete rule per tier with a retention (base blob,
// versions and snapshots), and delete-previous-versions. With the defaults and container
// "noisett-storage" it is exactly deploy/azure/blob-lifecycle-policy.json.
Policy DefaultPolicy(std::string_view container, const RetentionConfig& retention = {});

}  // namespace noisett::lifecycle
