// The user delegation key, fetched with the bearer token and shared by every link Noisett signs:
// kept while more than an hour of it is left, fetched again inside its last hour, one fetch at a
// time however many threads ask (the others wait for it). New keys are asked for 7 days, Azure's
// maximum. Time comes from the Clock, so tests stand anywhere in a key's life.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "storage/azure/azure_sas.h"

namespace noisett::storage::azure {

inline constexpr int64_t kDelegationKeyLifetime = 7 * 24 * 3600;
inline constexpr int64_t kDelegationKeyRefreshBefore = 3600;
inline constexpr int64_t kDelegationKeyStartSkew = 15 * 60;
// After a failed fetch, while the cached key still serves, the next fetch waits this long.
inline constexpr int64_t kDelegationKeyRetryAfterFailure = 60;

class DelegationKeyCache {
 public:
  // Get User Delegation Key for [start, expiry] (Unix seconds).
  using Fetch = std::function<Result<UserDelegationKey>(int64_t start, int64_t expiry)>;

  DelegationKeyCache(Fetch fetch, const Clock& clock);

  // The cached key when more than kDelegationKeyRefreshBefore of it is left, else a new one
  // (start 15 minutes back for clock skew, expiry start + 7 days: within Azure's 7 days of the
  // request). When the fetch fails and the cached key is still valid, the cached key is returned
  // (links are capped at its expiry anyway, so they stay correct, only shorter) and no new fetch
  // is tried for kDelegationKeyRetryAfterFailure, so an outage does not make every link wait on
  // a failing call; with no valid key the fetch's error is returned as is. Thread-safe.
  Result<UserDelegationKey> Get();

  int fetches() const;  // how many fetches ran (tests)

 private:
  Fetch fetch_;
  const Clock& clock_;
  mutable std::mutex mu_;  // held across the fetch: that is the single flight
  std::optional<UserDelegationKey> key_;
  int64_t retry_after_ = 0;  // no fetch before this while key_ is still valid (after a failure)
  int fetches_ = 0;
};

// Get User Delegation Key over `client` (bearer only; Azure refuses Shared Key for it):
// POST /?restype=service&comp=userdelegationkey with DelegationKeyRequestBody. Errors: the
// client's, and those of ParseDelegationKeyResponse. `client` must outlive the function.
class AzureClient;
DelegationKeyCache::Fetch FetchDelegationKeyWith(AzureClient& client);

// <?xml version="1.0" encoding="utf-8"?><KeyInfo><Start>SasTime(start)</Start>
// <Expiry>SasTime(expiry)</Expiry></KeyInfo>
std::string DelegationKeyRequestBody(int64_t start, int64_t expiry);

// The <UserDelegationKey> response (SignedOid, SignedTid, SignedStart, SignedExpiry,
// SignedService, SignedVersion, Value), expiry_unix filled in. Errors: kUnavailable
// "delegation_key_unreadable" when the XML is malformed, a field is missing or empty, a time is
// unreadable or Value is not base64 (Azure answered, but with nothing we can sign with).
Result<UserDelegationKey> ParseDelegationKeyResponse(std::string_view xml);

}  // namespace noisett::storage::azure
