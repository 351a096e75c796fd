// One Azure Blob REST call at a time, done right: the URL built from the endpoint and a
// percent-encoded path, x-ms-version / x-ms-date / x-ms-client-request-id on every request,
// authorization (Shared Key when the config has an account key, else a bearer token from the
// TokenCredential), connection reuse, timeouts, retries with exponential backoff and jitter for
// idempotent calls, and Azure's error XML turned into our Error. AzureBlobStore and the delegation
// key fetch build on it; nothing above it sees HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "storage/azure/azure_config.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct AzureRequest {
  std::string method = "GET";
  // Unencoded: "" or "/" (the service), "/CONTAINER", "/CONTAINER/dir/blob.jpg". The client
  // percent-encodes each segment (keeping '/') and prefixes the endpoint.
  std::string path;
  HeaderList query;    // unencoded values, sent in this order ("comp", "tags")
  HeaderList headers;  // besides the x-ms-version/date/client-request-id and auth it adds
  std::string body;
  // Retried on network errors, 408, 429, 500, 502, 503, 504. Put Blob of the same bytes is
  // idempotent too; only calls whose repetition could change the outcome set this false.
  bool idempotent = true;
};

struct AzureResponse {
  long status = 0;
  HeaderList headers;  // names lowercased
  std::string body;
  std::string request_id;  // the x-ms-client-request-id we sent (the last attempt's)

  // The first header named `name` (lowercase), "" when absent.
  std::string Header(std::string_view name) const;
};

struct RetryPolicy {
  int max_attempts = 4;              // the first try included
  int64_t base_delay_ms = 200;       // attempt n waits base * 2^(n-1), +-50 % jitter,
  int64_t max_delay_ms = 10000;      // capped here; Retry-After (seconds) wins when larger
  long connect_timeout_ms = 5000;
  long timeout_ms = 60000;           // one attempt, whole transfer
  // Response bodies above this fail with kTooLarge (blobs are at most ~12 MiB; lists are small).
  size_t max_response_bytes = size_t{64} << 20;
};

class AzureClient {
 public:
  // `credential` may be null when config.account_key is set (Shared Key). Errors:
  // kInvalidArgument "azure_no_credential" when neither is given, "bad_account_key".
  // A key used against a non-loopback endpoint logs a warning (development only).
  static Result<std::unique_ptr<AzureClient>> Create(AzureConfig config,
                                                     std::shared_ptr<TokenCredential> credential,
                                                     const Clock& clock, RetryPolicy retry = {});
  ~AzureClient();

  // Sends, retrying as the policy says. A 2xx (or 304) is a success; any other status is an
  // Error whose reason is Azure's error code (x-ms-error-code header, else <Code> of the error
  // XML, else "http_NNN") and whose code follows the status: 400 kInvalidArgument,
  // 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409/412 kConflict,
  // 413 kTooLarge, 416 kInvalidArgument "InvalidRange", 5xx and network kUnavailable
  // ("StoreUnavailable" for network errors), except 501 kUnsupported (Azurite's
  // APINotImplemented); 408/429 once retries are spent kUnavailable. The message carries Azure's
  // <Message> and the request id; failures are logged with the request id. One
  // x-ms-client-request-id per call, the same on every attempt (so one operation's retries share
  // it in logs); each attempt gets a fresh x-ms-date and signature. A bearer token is asked of
  // the credential on every attempt (it caches). Thread-safe.
  Result<AzureResponse> Send(const AzureRequest& request);

  // "https://ACCOUNT.blob.core.windows.net/CONTAINER/enc%20oded/path" (no query).
  std::string BlobUrl(std::string_view container, std::string_view blob) const;
  const AzureConfig& config() const { return config_; }
  bool uses_shared_key() const { return !config_.account_key.empty(); }

 private:
  struct Impl;
  AzureClient(AzureConfig config, std::unique_ptr<Impl> impl);
  AzureConfig config_;
  std::unique_ptr<Impl> impl_;
};

// The Shared Key string-to-sign for a request (REFERENCE.md §1.3), exposed for tests:
// `canonical_path` is the encoded URL path (for path-style endpoints it starts with the account).
// `query` values unencoded; header names any case.
std::string SharedKeyStringToSign(std::string_view method, std::string_view account,
                                  std::string_view canonical_path, const HeaderList& query,
                                  const HeaderList& headers);

}  // namespace noisett::storage::azure
