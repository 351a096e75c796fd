// Retry timing for AzureClient (see retry_delay.h).
#include "storage/azure/retry_delay.h"

#include <algorithm>
#include <cctype>

namespace noisett::storage::azure {
namespace {

// A non-negative decimal integer, at most 9 digits (enough for any sane wait).
std::optional<int64_t> ParseSmallUint(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

bool IsRetryableStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

std::optional<int64_t> RetryAfterMs(const AzureResponse& response) {
  for (const char* name : {"x-ms-retry-after-ms", "retry-after-ms"}) {
    if (auto ms = ParseSmallUint(response.Header(name))) return ms;
  }
  if (auto seconds = ParseSmallUint(response.Header("retry-after"))) return *seconds * 1000;
  return std::nullopt;
}

int64_t BackoffMs(const RetryPolicy& policy, int next_attempt, double jitter,
                  std::optional<int64_t> retry_after_ms) {
  const int doublings = std::clamp(next_attempt - 2, 0, 30);
  const double exponential = double(policy.base_delay_ms) * double(int64_t{1} << doublings);
  const int64_t backoff = std::min<int64_t>(int64_t(exponential * jitter), policy.max_delay_ms);
  if (retry_after_ms && *retry_after_ms > backoff) return *retry_after_ms;
  return std::max<int64_t>(backoff, 0);
}

}  // namespace noisett::storage::azure
