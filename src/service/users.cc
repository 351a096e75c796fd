// users.set_tier.
#include "service/users.h"

#include "core/ids.h"
#include "core/log.h"
#include "lifecycle/retention.h"

namespace noisett::service {
namespace {

Unexpected Bad(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message)));
}

}  // namespace

Result<TierChange> SetUserTier(catalog::Catalog& catalog, storage::BlobStore& blobs,
                               const SetTierRequest& request,
                               const std::function<void(int64_t, int64_t)>& progress) {
  // The user id becomes a blob prefix: refuse any other shape whoever the caller is.
  if (!IsValidUserId(request.user_id)) return Bad("user_id is not a user id ([A-Za-z0-9_-]{1,64})");
  if (!lifecycle::IsSubscriptionTier(request.tier)) {
    return Bad("tier must be one of free, basic, pro, enterprise");
  }
  auto user = catalog.GetUser(request.user_id);
  if (!user) return Unexpected(user.error());
  if (auto ok = catalog.SetUserTier(request.user_id, request.tier); !ok) {
    return Unexpected(ok.error());
  }
  auto report = RetagUserBlobs(blobs, request.user_id, request.tier, progress);
  if (!report) return Unexpected(report.error());
  if (report->failed > 0) {
    LogWarn("users.set_tier " + request.user_id + ": " + std::to_string(report->failed) +
            " blobs could not be re-tagged; run the command again to retry them");
  }
  return TierChange{request.user_id, request.tier, user->subscription_tier, std::move(*report)};
}

}  // namespace noisett::service
