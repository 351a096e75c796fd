// The delegation key cache: a mutex held across the fetch is the single flight (callers that
// arrive meanwhile wait, then find the fresh key), and the clock decides every "how long is left".
#include "storage/azure/delegation_key_cache.h"

#include <string>

#include "core/log.h"

namespace noisett::storage::azure {

DelegationKeyCache::DelegationKeyCache(Fetch fetch, const Clock& clock)
    : fetch_(std::move(fetch)), clock_(clock) {}

Result<UserDelegationKey> DelegationKeyCache::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.NowSeconds();
  const bool cached_valid = key_.has_value() && key_->expiry_unix > now;
  if (cached_valid && key_->expiry_unix - now > kDelegationKeyRefreshBefore) return *key_;
  // Inside the last hour, recently failed: keep serving the old key rather than call again.
  if (cached_valid && now < retry_after_) return *key_;

  const int64_t start = now - kDelegationKeyStartSkew;
  ++fetches_;
  auto fetched = fetch_(start, start + kDelegationKeyLifetime);
  if (fetched) {
    key_ = std::move(*fetched);
    retry_after_ = 0;
    return *key_;
  }
  if (!cached_valid) return Unexpected(fetched.error());
  retry_after_ = now + kDelegationKeyRetryAfterFailure;
  LogWarn("azure: user delegation key refresh failed, the current key serves until " +
          key_->signed_expiry + ": " + fetched.error().ToString());
  return *key_;
}

int DelegationKeyCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace noisett::storage::azure
