// A user's subscription tier as their blobs carry it. Retention follows the blob index tag
// `subscription_tier` (the lifecycle policy's blobIndexMatch), so changing the catalog row alone
// would not move a single blob: a tier change re-tags every blob of the user. Used by
// users.set_tier and, on every store of new blobs, to learn the tier those blobs are tagged with.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "auth/user.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct RetagReport {
  int64_t seen = 0;
  int64_t retagged = 0;
  int64_t failed = 0;
  std::vector<std::pair<std::string, std::string>> errors;  // the first 100 {blob, error}
};

// Sets subscription_tier=TIER on every current blob under generated/{user}/, keeping the other
// tags. `progress` (may be empty) hears (blobs checked, 0): the total is not known ahead.
// Errors: the store's listing errors; single blobs that fail are counted in the report.
Result<RetagReport> RetagUserBlobs(storage::BlobStore& blobs, const std::string& user_id,
                                   const std::string& tier,
                                   const std::function<void(int64_t, int64_t)>& progress = {});

// Decides the tier a caller's new blobs are tagged with, and records the caller on the way.
class TierResolver {
 public:
  // `default_tier` is NOISETT_DEFAULT_TIER, a new user's tier. References outlive this.
  TierResolver(catalog::Catalog& catalog, storage::BlobStore& blobs, const Clock& clock,
               std::string default_tier);

  // Records `caller` in the catalog (a first visit gets the default tier; email and name follow
  // the token) and answers the tier for their new blobs: the catalog's. When the token carries a
  // known tier in the configured claim (User::subscription_tier) that differs, the catalog row
  // and every blob of the caller follow it first, which may take as long as re-tagging all of
  // them. Never fails: what cannot be recorded is logged and the best known tier answered.
  std::string RecordCallerAndResolveTier(const auth::User& caller);

  const std::string& default_tier() const { return default_tier_; }

 private:
  catalog::Catalog& catalog_;
  storage::BlobStore& blobs_;
  const Clock& clock_;
  std::string default_tier_;
};

}  // namespace noisett::service
