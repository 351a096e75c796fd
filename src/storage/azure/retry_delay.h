// When AzureClient tries again, and how long it waits first: the retryable statuses, exponential
// backoff with jitter, and the server's Retry-After. Pure (the jitter is an argument).
#pragma once

#include <cstdint>
#include <optional>

#include "storage/azure/azure_client.h"

namespace noisett::storage::azure {

// The longest Retry-After honoured; a server asking for more is answered with the error rather
// than a request thread parked for minutes.
inline constexpr int64_t kMaxRetryAfterMs = 60000;

// 408, 429, 500, 502, 503, 504.
bool IsRetryableStatus(long status);

// The server's hint in milliseconds: Retry-After (delay-seconds; an HTTP date is ignored), or
// x-ms-retry-after-ms / retry-after-ms. nullopt when absent or unreadable.
std::optional<int64_t> RetryAfterMs(const AzureResponse& response);

// The wait before attempt `next_attempt` (2 for the first retry): base * 2^(next_attempt - 2),
// scaled by `jitter` in [0.5, 1.5), capped at max_delay_ms; a larger server hint wins.
int64_t BackoffMs(const RetryPolicy& policy, int next_attempt, double jitter,
                  std::optional<int64_t> retry_after_ms);

}  // namespace noisett::storage::azure
