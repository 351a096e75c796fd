// users.set_tier: an administrator changes a user's subscription tier. Retention follows the
// blob index tag `subscription_tier` (the lifecycle policy's blobIndexMatch), so the catalog
// change alone would not move a single blob: every blob of the user is re-tagged too.
#include <string>
#include <vector>

#include "core/log.h"
#include "lifecycle/retention.h"
#include "service/args.h"
#include "service/service.h"
#include "service/user_tier.h"

namespace noisett::service {
namespace {

const std::string kTierTag(lifecycle::kSubscriptionTierTag);
constexpr size_t kMaxErrorsShown = 100;  // the count is exact; the list is for reading
constexpr int64_t kProgressEvery = 1000;

Unexpected Bad(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message)));
}

void RecordFailure(RetagReport& report, const std::string& blob, const Error& error) {
  ++report.failed;
  if (report.errors.size() < kMaxErrorsShown) {
    report.errors.push_back({{"blob", blob}, {"error", error.ToString()}});
  }
}

Result<nlohmann::json> SetTier(ServiceDeps& deps, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"user_id", "tier"}); !ok) return Unexpected(ok.error());
  auto user_id = StringArg(in.args, "user_id", 64, std::nullopt);
  if (!user_id) return Unexpected(user_id.error());
  if (!auth::IsValidUserId(*user_id)) return Bad("user_id is not a user id ([A-Za-z0-9_-]{1,64})");
  auto tier = StringArg(in.args, "tier", 32, std::nullopt);
  if (!tier) return Unexpected(tier.error());
  if (!lifecycle::IsSubscriptionTier(*tier)) {
    return Bad("tier must be one of free, basic, pro, enterprise");
  }
  auto user = deps.catalog.GetUser(*user_id);
  if (!user) return Unexpected(user.error());
  if (auto ok = deps.catalog.SetUserTier(*user_id, *tier); !ok) return Unexpected(ok.error());
  auto report = RetagUserBlobs(deps, *user_id, *tier, in.progress);
  if (!report) return Unexpected(report.error());
  if (report->failed > 0) {
    LogWarn("users.set_tier " + *user_id + ": " + std::to_string(report->failed) +
            " blobs could not be re-tagged; run the command again to retry them");
  }
  return nlohmann::json{{"user_id", *user_id},
                        {"tier", *tier},
                        {"previous_tier", user->subscription_tier},
                        {"blobs_checked", report->seen},
                        {"blobs_retagged", report->retagged},
                        {"blobs_failed", report->failed},
                        {"errors", std::move(report->errors)}};
}

}  // namespace

// Sets subscription_tier=TIER on every current blob under generated/{user}/, keeping the other
// tags (blob_kind=image on images and thumbnails, which tier-to-archive filters on). Blobs
// already tagged so are left alone, so running it again after a partial failure only does what
// is left. Soft-deleted blobs cannot be tagged (Azure and the local store alike): a job
// restored later keeps its old tag until `noisett fsck --repair` or the next set_tier.
Result<RetagReport> RetagUserBlobs(ServiceDeps& deps, const std::string& user_id,
                                   const std::string& tier,
                                   const std::function<void(int64_t, int64_t)>& progress) {
  RetagReport report;
  storage::ListOptions options;
  options.prefix = "generated/" + user_id + "/";
  options.include_tags = true;
  options.max_results = 1000;
  auto listed = storage::ForEachListed(deps.blobs, options, [&](storage::BlobProperties& blob) {
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
    if (auto ok = deps.blobs.SetTags(blob.name, tags); !ok) {
      RecordFailure(report, blob.name, ok.error());
    } else {
      ++report.retagged;
    }
  });
  if (!listed) return Unexpected(listed.error());
  return report;
}

std::string SubscriptionTierFor(ServiceDeps& deps, const auth::User& user) {
  // The default only counts for a new user: UpsertUser keeps an existing user's tier.
  (void)deps.catalog.UpsertUser({user.user_id, user.email, user.name, deps.config.default_tier,
                                 deps.clock.NowSeconds()});
  auto row = deps.catalog.GetUser(user.user_id);
  if (!row) return deps.config.default_tier;
  const std::string& claimed = user.subscription_tier;
  if (claimed.empty() || claimed == row->subscription_tier) return row->subscription_tier;
  if (!lifecycle::IsSubscriptionTier(claimed)) {
    LogWarn("tier claim of " + user.user_id + " is not a subscription tier; ignored");
    return row->subscription_tier;
  }
  if (auto set = deps.catalog.SetUserTier(user.user_id, claimed); !set) {
    LogWarn("tier claim of " + user.user_id + ": " + set.error().ToString());
    return row->subscription_tier;
  }
  LogInfo("tier claim: " + user.user_id + " " + row->subscription_tier + " -> " + claimed);
  auto report = RetagUserBlobs(deps, user.user_id, claimed);
  if (!report || report->failed > 0) {
    LogWarn("tier claim of " + user.user_id + ": some blobs keep the old tag; users.set_tier "
            "re-tags them");
  }
  return claimed;
}

void RegisterUserCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"users.set_tier",
                     "set a user's subscription tier and re-tag their blobs: {user_id, tier "
                     "(free, basic, pro, enterprise)}",
                     true, false, [&deps](const CommandContext&, const CommandInput& i) {
                       return SetTier(deps, i);
                     }});
}

}  // namespace noisett::service
