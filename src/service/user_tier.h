// A user's subscription tier as blobs carry it: retention follows the blob index tag
// `subscription_tier` (the lifecycle policy's blobIndexMatch), so changing the catalog row alone
// would not move a single blob. Used by users.set_tier and by the token's tier claim.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "service/service.h"

namespace noisett::service {

struct RetagReport {
  int64_t seen = 0;
  int64_t retagged = 0;
  int64_t failed = 0;
  nlohmann::json errors = nlohmann::json::array();  // the first 100 {blob, error}
};

// Sets subscription_tier=TIER on every current blob under generated/{user}/, keeping the other
// tags. `progress` (may be empty) hears (blobs checked, 0): the total is not known ahead.
// Errors: the store's listing errors; single blobs that fail are counted in the report.
Result<RetagReport> RetagUserBlobs(ServiceDeps& deps, const std::string& user_id,
                                   const std::string& tier,
                                   const std::function<void(int64_t, int64_t)>& progress = {});

// The tier of `user` for a new blob: the catalog's (a user seen for the first time gets
// config.default_tier). When the token carries a known tier in the configured claim
// (User::subscription_tier) that differs, the catalog and the user's blobs follow it first.
std::string SubscriptionTierFor(ServiceDeps& deps, const auth::User& user);

}  // namespace noisett::service
