// AzureClient: assembles each attempt (URL, x-ms-* headers, Shared Key or bearer authorization),
// sends it over a keep-alive net::HttpClient, and decides about retries. The text pieces live in
// request_parts.cc, signing in shared_key.cc, error mapping in azure_error.cc and retry timing in
// retry_delay.cc.
#include "storage/azure/azure_client.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include "core/base64.h"
#include "core/http_date.h"
#include "core/log.h"
#include "core/text.h"
#include "net/http_client.h"
#include "storage/azure/azure_error.h"
#include "storage/azure/request_parts.h"
#include "storage/azure/retry_delay.h"
#include "storage/azure/shared_key.h"

namespace noisett::storage::azure {
namespace {

bool HasHeader(const HeaderList& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

// The endpoint's own path: "/devstoreaccount1" for path-style endpoints, "" otherwise.
std::string EndpointPath(const std::string& endpoint) {
  const size_t scheme = endpoint.find("://");
  const size_t slash = endpoint.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "" : endpoint.substr(slash);
}

double Jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.5, 1.5)(rng);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Expected outcomes (a missing blob, a lost precondition) are control flow for the caller and
// logged quietly; anything else is worth a warning.
LogLevel FailureLevel(long status) {
  if (status == 404 || status == 409 || status == 412 || status == 416) return LogLevel::kDebug;
  return LogLevel::kWarn;
}

}  // namespace

struct AzureClient::Impl {
  std::shared_ptr<TokenCredential> credential;
  std::string key;            // decoded account key; empty: bearer tokens
  std::string endpoint_path;  // see EndpointPath
  RetryPolicy retry;
  net::HttpClient http;

  // Sets the URL and headers of `spec` (our x-ms-* headers and the authorization) for one
  // attempt; the body is the caller's, set once.
  Status Prepare(const AzureConfig& config, const AzureRequest& request,
                 const std::string& request_id, net::HttpRequestSpec& spec) const;
};

namespace {

// What one attempt came to: a response to hand back, or an error and whether to try again.
struct Outcome {
  std::optional<AzureResponse> response;
  Error error;
  bool retryable = false;
  LogLevel level = LogLevel::kWarn;
  std::optional<int64_t> retry_after_ms;
};

Outcome Judge(Result<net::HttpResponse> http, const AzureRequest& request, const std::string& what,
              const std::string& request_id) {
  Outcome out;
  if (!http) {
    // The body cap is not a network failure: repeating would only fail the same way.
    const bool network = http.error().code == ErrorCode::kUnavailable;
    const bool unsent = http.error().reason == "connect_failed";
    out.error = network ? MakeError(ErrorCode::kUnavailable, "StoreUnavailable",
                                    what + ": " + http.error().message + " [client request id " +
                                        request_id + "]")
                        : http.error();
    out.retryable = network && (request.idempotent || unsent);
    return out;
  }
  AzureResponse response{http->status, std::move(http->headers), std::move(http->body), request_id};
  if ((response.status >= 200 && response.status < 300) || response.status == 304) {
    out.response = std::move(response);
    return out;
  }
  out.error = AzureErrorFromResponse(response, what);
  out.retry_after_ms = RetryAfterMs(response);
  out.retryable = request.idempotent && IsRetryableStatus(response.status) &&
                  out.retry_after_ms.value_or(0) <= kMaxRetryAfterMs;
  out.level = FailureLevel(response.status);
  return out;
}

}  // namespace

std::string AzureResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

Result<std::unique_ptr<AzureClient>> AzureClient::Create(
    AzureConfig config, std::shared_ptr<TokenCredential> credential, const Clock& clock,
    RetryPolicy retry) {
  // x-ms-date must be the real time (Azure refuses requests more than 15 minutes off), so the
  // injected clock has no say here; token expiry is the credential's business.
  (void)clock;
  auto impl = std::make_unique<Impl>();
  if (!config.account_key.empty()) {
    auto key = Base64Decode(config.account_key);
    if (!key || key->empty()) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_account_key",
                                  "the Azure storage account key is not base64"));
    }
    impl->key = std::move(*key);
    if (!config.loopback()) {
      LogWarn("azure: signing with the account key (Shared Key) against " + config.endpoint +
              "; keys are for development, production should use a managed identity");
    }
  } else if (!credential) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "azure_no_credential",
                                "no account key and no token credential for Azure storage"));
  }
  impl->credential = std::move(credential);
  impl->endpoint_path = EndpointPath(config.endpoint);
  impl->retry = retry;
  return std::unique_ptr<AzureClient>(new AzureClient(std::move(config), std::move(impl)));
}

AzureClient::AzureClient(AzureConfig config, std::unique_ptr<Impl> impl)
    : config_(std::move(config)), impl_(std::move(impl)) {}

AzureClient::~AzureClient() = default;

std::string AzureClient::BlobUrl(std::string_view container, std::string_view blob) const {
  std::string path(container);
  path.append("/").append(blob);
  return config_.endpoint + EncodePath(path);
}

Status AzureClient::Impl::Prepare(const AzureConfig& config, const AzureRequest& request,
                                  const std::string& request_id, net::HttpRequestSpec& spec) const {
  const std::string path = EncodePath(request.path);
  const std::string query = EncodeQuery(request.query);
  spec.method = request.method;
  spec.url = config.endpoint + path + (query.empty() ? "" : "?" + query);
  spec.headers = request.headers;
  spec.headers.emplace_back("x-ms-version", kRestVersion);
  spec.headers.emplace_back("x-ms-date", FormatHttpDate(NowSeconds()));
  spec.headers.emplace_back("x-ms-client-request-id", request_id);
  const bool sends_body =
      !request.body.empty() || request.method == "PUT" || request.method == "POST";
  if (sends_body && !HasHeader(request.headers, "content-type")) {
    spec.headers.emplace_back("Content-Type", "");  // no form-urlencoded default from curl
  }
  if (!key.empty()) {
    HeaderList signed_headers = spec.headers;
    if (sends_body) signed_headers.emplace_back("Content-Length", std::to_string(spec.body.size()));
    const std::string to_sign = SharedKeyStringToSign(
        request.method, config.account, endpoint_path + path, request.query, signed_headers);
    auto authorization = SharedKeyAuthorization(config.account, key, to_sign);
    if (!authorization) return Unexpected(authorization.error());
    spec.headers.emplace_back("Authorization", std::move(*authorization));
  } else {
    auto token = credential->GetToken();
    if (!token) return Unexpected(token.error());
    spec.headers.emplace_back("Authorization", "Bearer " + token->token);
  }
  return Ok();
}

Result<AzureResponse> AzureClient::Send(const AzureRequest& request) {
  const std::string request_id = NewRequestId();
  const std::string query = EncodeQuery(request.query);
  const std::string what =
      request.method + " " + EncodePath(request.path) + (query.empty() ? "" : "?" + query);
  const RetryPolicy& policy = impl_->retry;
  net::HttpGetOptions options;
  options.connect_timeout_ms = policy.connect_timeout_ms;
  options.timeout_ms = policy.timeout_ms;
  options.max_body_bytes = policy.max_response_bytes;
  options.ca_file = config_.ca_file;
  net::HttpRequestSpec spec;
  spec.body = request.body;  // copied once, whatever the number of attempts
  const int max_attempts = std::max(policy.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    if (auto prepared = impl_->Prepare(config_, request, request_id, spec); !prepared) {
      return Unexpected(prepared.error());
    }
    Outcome outcome = Judge(impl_->http.Send(spec, options), request, what, request_id);
    if (outcome.response) return std::move(*outcome.response);
    const std::string tag = "azure: attempt " + std::to_string(attempt) + "/" +
                            std::to_string(max_attempts) + " failed";
    if (!outcome.retryable || attempt >= max_attempts) {
      Log(outcome.level, tag + ": " + outcome.error.message);
      return Unexpected(outcome.error);
    }
    const int64_t delay_ms = BackoffMs(policy, attempt + 1, Jitter(), outcome.retry_after_ms);
    LogWarn(tag + ", retrying in " + std::to_string(delay_ms) + " ms: " + outcome.error.message);
    SleepMs(delay_ms);
  }
}

}  // namespace noisett::storage::azure
