// Caching in front of any TokenCredential: a token is reused until `refresh_before_s` (5 min)
// before its expiry by the injected Clock, then refreshed. One refresh at a time: callers that
// arrive while it runs wait for it and share its outcome instead of starting their own. A failed
// refresh while the old token has not expired yet returns the old token (logged once per failure,
// and retried no more often than every `retry_after_failure_s`); with no usable token the error is
// returned. The credential underneath sees at most one call at a time.
#pragma once

#include <cstdint>
#include <memory>

#include "core/clock.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

struct TokenCacheOptions {
  int64_t refresh_before_s = 5 * 60;
  // While the old token is still usable, a failed refresh is retried at most this often, so an
  // outage of the token endpoint does not put one doomed request in front of every caller.
  int64_t retry_after_failure_s = 30;
};

// `inner` fetches (uncached); `clock` must outlive the result. Describe() is the inner one's.
std::unique_ptr<TokenCredential> MakeCachedCredential(std::unique_ptr<TokenCredential> inner,
                                                      const Clock& clock,
                                                      TokenCacheOptions options = {});

}  // namespace noisett::storage::azure
