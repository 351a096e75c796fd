// Tier tags on a user's blobs, and the tier of a caller's new blobs.
#include "service/user_tiers.h"

#include "core/log.h"
#include "lifecycle/retention.h"

namespace noisett::service {
namespace {

const std::string kTierTag(lifecycle::kSubscriptionTierTag);
constexpr size_t kMaxErrorsShown = 100;  // the count is exact; the list is for reading
constexpr int64_t kProgressEvery = 1000;

void RecordFailure(RetagReport& report, const std::string& blob, const Error& error) {
  ++report.failed;
  if (report.errors.size() < kMaxErrorsShown) report.errors.emplace_back(blob, error.ToString());
}

}  // namespace

// Blobs already tagged so are left alone, so running it again after a partial failure only does
// what is left. Soft-deleted blobs cannot be tagged (Azure and the local store alike): a job
// restored later keeps its old tag until `noisett fsck --repair` or the next set_tier.
Result<RetagReport> RetagUserBlobs(storage::BlobStore& blobs, const std::string& user_id,
                                   const std::string& tier,
                                   const std::function<void(int64_t, int64_t)>& progress) {
  RetagReport report;
  storage::ListOptions options;
  options.prefix = "generated/" + user_id + "/";
  options.include_tags = true;
  options.max_results = 1000;
  auto listed = storage::ForEachListed(blobs, options, [&](storage::BlobProperties& blob) {
    ++report.seen;
    if (progress) progress(report.seen, 0);
    if (report.seen % kProgressEvery == 0) {
      LogInfo("users.set_tier " + user_id + ": " + std::to_string(report.seen) +
              " blobs checked, " + std::to_string(report.retagged) + " re-tagged");
    }
    auto current = blob.tags.find(kTierTag);
    if (current != blob.tags.end() && current->second == tier) return;
    storage::Tags tags = blob.tags;
    tags[kTierTag] = tier;
    if (auto ok = blobs.SetTags(blob.name, tags); !ok) {
      RecordFailure(report, blob.name, ok.error());
    } else {
      ++report.retagged;
    }
  });
  if (!listed) return Unexpected(listed.error());
  return report;
}

TierResolver::TierResolver(catalog::Catalog& catalog, storage::BlobStore& blobs, const Clock& clock,
                           std::string default_tier)
    : catalog_(catalog), blobs_(blobs), clock_(clock), default_tier_(std::move(default_tier)) {}

std::string TierResolver::RecordCallerAndResolveTier(const auth::User& caller) {
  // The default only counts for a new user: UpsertUser keeps an existing user's tier.
  (void)catalog_.UpsertUser(
      {caller.user_id, caller.email, caller.name, default_tier_, clock_.NowSeconds()});
  auto row = catalog_.GetUser(caller.user_id);
  if (!row) return default_tier_;
  const std::string& claimed = caller.subscription_tier;
  if (claimed.empty() || claimed == row->subscription_tier) return row->subscription_tier;
  if (!lifecycle::IsSubscriptionTier(claimed)) {
    LogWarn("tier claim of " + caller.user_id + " is not a subscription tier; ignored");
    return row->subscription_tier;
  }
  if (auto set = catalog_.SetUserTier(caller.user_id, claimed); !set) {
    LogWarn("tier claim of " + caller.user_id + ": " + set.error().ToString());
    return row->subscription_tier;
  }
  LogInfo("tier claim: " + caller.user_id + " " + row->subscription_tier + " -> " + claimed);
  auto report = RetagUserBlobs(blobs_, caller.user_id, claimed);
  if (!report || report->failed > 0) {
    LogWarn("tier claim of " + caller.user_id +
            ": some blobs keep the old tag; users.set_tier re-tags them");
  }
  return claimed;
}

}  // namespace noisett::service
