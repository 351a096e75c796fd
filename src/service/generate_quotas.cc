// Quotas: parsing the one setting and checking a new job against the catalog's counts.
#include "service/generate_quotas.h"

#include <charconv>

#include <vector>

namespace noisett::service {
namespace {

Error BadQuotas(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_setting",
                   "NOISETT_GENERATE_QUOTAS: " + std::move(message) +
                       " (expected TIER=CONCURRENT/PER_DAY,..., e.g. free=2/100,pro=8/unlimited)");
}

std::optional<int64_t> PositiveInt(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

// "2/100" or "16/unlimited".
Result<TierQuota> ParseOne(std::string_view tier, std::string_view value) {
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos) {
    return Unexpected(BadQuotas("'" + std::string(tier) + "' has no '/'"));
  }
  TierQuota quota;
  auto concurrent = PositiveInt(value.substr(0, slash));
  if (!concurrent) {
    return Unexpected(BadQuotas("the concurrent jobs of '" + std::string(tier) +
                                "' must be a positive integer"));
  }
  quota.concurrent_jobs = *concurrent;
  const std::string_view per_day = value.substr(slash + 1);
  if (per_day == "unlimited") {
    quota.images_per_day = std::nullopt;
  } else if (auto n = PositiveInt(per_day)) {
    quota.images_per_day = *n;
  } else {
    return Unexpected(BadQuotas("the images per day of '" + std::string(tier) +
                                "' must be a positive integer or 'unlimited'"));
  }
  return quota;
}

// The comma-separated items of the setting, blanks around each dropped, empty ones skipped.
std::vector<std::string_view> Items(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

std::map<std::string, TierQuota, std::less<>> GenerateQuotas::DefaultTiers() {
  return {{"free", {2, 100}},
          {"basic", {4, 500}},
          {"pro", {8, 2000}},
          {"enterprise", {16, std::nullopt}}};
}

const TierQuota& GenerateQuotas::For(std::string_view tier) const {
  if (auto it = by_tier.find(tier); it != by_tier.end()) return it->second;
  static const TierQuota kFree = DefaultTiers().at("free");
  auto free = by_tier.find("free");
  return free != by_tier.end() ? free->second : kFree;
}

Result<GenerateQuotas> ParseGenerateQuotas(std::string_view text) {
  GenerateQuotas quotas;
  for (std::string_view item : Items(text)) {
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Unexpected(BadQuotas("'" + std::string(item) + "' has no '='"));
    }
    const std::string_view tier = item.substr(0, eq);
    if (!quotas.by_tier.contains(tier)) {
      return Unexpected(
          BadQuotas("unknown tier '" + std::string(tier) + "' (free, basic, pro, enterprise)"));
    }
    auto quota = ParseOne(tier, item.substr(eq + 1));
    if (!quota) return Unexpected(quota.error());
    quotas.by_tier[std::string(tier)] = *quota;
  }
  return quotas;
}

Status CheckGenerateQuota(catalog::JobQueue& queue, const GenerateQuotas& quotas,
                          const auth::User& caller, std::string_view tier, int64_t images,
                          int64_t now_ms) {
  if (caller.is_admin()) return Ok();
  const TierQuota& quota = quotas.For(tier);
  auto usage = queue.GetQuotaUsage(caller.user_id, now_ms - kQuotaDayMs);
  if (!usage) return Unexpected(usage.error());
  const std::string of_tier = " of the " + std::string(tier) + " tier";
  if (usage->active_jobs >= quota.concurrent_jobs) {
    Error e = MakeError(ErrorCode::kResourceExhausted, "quota_concurrent_jobs",
                        "the limit of " + std::to_string(quota.concurrent_jobs) +
                            " concurrent generation jobs" + of_tier +
                            " is reached; wait for one to finish or cancel one");
    e.retry_after_s = 5;
    return Unexpected(std::move(e));
  }
  if (quota.images_per_day && usage->images + images > *quota.images_per_day) {
    Error e = MakeError(ErrorCode::kResourceExhausted, "quota_images_per_day",
                        "the limit of " + std::to_string(*quota.images_per_day) +
                            " generated images per day" + of_tier + " is reached (" +
                            std::to_string(usage->images) + " in the last 24 hours, " +
                            std::to_string(images) + " asked)");
    // The window rolls: an hour is a fair first retry without knowing each image's age.
    e.retry_after_s = 3600;
    return Unexpected(std::move(e));
  }
  return Ok();
}

}  // namespace noisett::service
