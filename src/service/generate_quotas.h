// Generation quotas by subscription tier (the tiers that drive retention): how many jobs a user
// may have queued or running at once, and how many images a rolling day may hold. One setting,
// NOISETT_GENERATE_QUOTAS, "TIER=CONCURRENT/PER_DAY,...", e.g. the defaults
//   free=2/100,basic=4/500,pro=8/2000,enterprise=16/unlimited
// A tier the setting leaves out keeps its default. Admins are never limited.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/user.h"
#include "catalog/job_queue.h"
#include "core/result.h"

namespace noisett::service {

struct TierQuota {
  int64_t concurrent_jobs = 2;
  std::optional<int64_t> images_per_day = 100;  // nullopt: unlimited
};

struct GenerateQuotas {
  std::map<std::string, TierQuota, std::less<>> by_tier = DefaultTiers();

  static std::map<std::string, TierQuota, std::less<>> DefaultTiers();
  // The quota of `tier`; an unknown tier gets free's.
  const TierQuota& For(std::string_view tier) const;
};

// Parses NOISETT_GENERATE_QUOTAS over the defaults. Errors: kInvalidArgument "bad_setting"
// (an unknown tier, a missing '=' or '/', a number that is not a positive integer).
Result<GenerateQuotas> ParseGenerateQuotas(std::string_view text);

// The window images_per_day counts over.
inline constexpr int64_t kQuotaDayMs = 24 * 3600 * 1000;

// Whether `caller` (of `tier`) may queue a job of `images` more images at now_ms. Errors:
// kResourceExhausted "quota_concurrent_jobs" / "quota_images_per_day", naming the limit and its
// value, with retry_after_s; the catalog's.
Status CheckGenerateQuota(catalog::JobQueue& queue, const GenerateQuotas& quotas,
                          const auth::User& caller, std::string_view tier, int64_t images,
                          int64_t now_ms);

}  // namespace noisett::service
