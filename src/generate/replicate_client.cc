// The Replicate API over net::HttpSend (curl stays in http_client.cc). The base URL is operator
// configuration and trusted; what it answers is not (replicate_api.cc checks it).
#include "generate/replicate_client.h"

#include <algorithm>
#include <thread>

#include "net/http_client.h"

namespace noisett::generate::replicate {
namespace {

constexpr long kConnectTimeoutMs = 5000;
constexpr long kCancelTimeoutMs = 2000;
constexpr size_t kMaxAnswerBytes = size_t{1} << 20;

}  // namespace

Client::Client(const ReplicateOptions& options)
    : options_(options),
      base_(options.base_url),
      deadline_(Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, options.timeout_ms))),
      poll_interval_ms_(std::max<int64_t>(1, options.poll_initial_ms)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

int64_t Client::RemainingMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
}

Error Client::TimeoutError() const {
  return MakeError(ErrorCode::kUpstreamTimeout, "generator_timeout",
                   "Replicate gave no result within " + std::to_string(options_.timeout_ms) +
                       " ms (NOISETT_REPLICATE_TIMEOUT_MS)");
}

bool Client::Wait(int64_t ms) {
  if (ms >= RemainingMs()) return false;
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return true;
}

int64_t Client::NextPollIntervalMs() {
  const int64_t interval = poll_interval_ms_;
  poll_interval_ms_ = std::min(poll_interval_ms_ * 2, std::max<int64_t>(1, options_.poll_max_ms));
  return interval;
}

Result<std::string> Client::Call(const std::string& method, const std::string& path,
                                 const std::string& body, const std::string& what) {
  net::HttpRequestSpec spec;
  spec.method = method;
  spec.url = base_ + path;
  spec.headers = {{"Authorization", "Bearer " + options_.token}, {"Accept", "application/json"}};
  if (method == "POST") spec.headers.emplace_back("Content-Type", "application/json");
  spec.body = body;
  for (;;) {
    const int64_t remaining = RemainingMs();
    if (remaining <= 0) return Unexpected(TimeoutError());
    net::HttpGetOptions http;
    http.timeout_ms = long(remaining);
    http.connect_timeout_ms = std::min<long>(kConnectTimeoutMs, long(remaining));
    http.max_body_bytes = kMaxAnswerBytes;
    http.ca_file = options_.ca_file;
    auto response = net::HttpSend(spec, http);
    if (!response) {
      if (RemainingMs() <= 0) return Unexpected(TimeoutError());
      return Unexpected(MakeError(ErrorCode::kUpstreamFailed, "generator_unavailable",
                                  "cannot reach Replicate (" + what + "): " +
                                      Shorten(response.error().message)));
    }
    if (response->status == 429) {
      // Throttled: wait as told (or one poll interval) and send the same call again.
      const int64_t wait = RetryAfterMs(response->headers).value_or(NextPollIntervalMs());
      if (!Wait(wait)) return Unexpected(TimeoutError());
      continue;
    }
    if (response->status < 200 || response->status > 299) {
      return Unexpected(ApiError(response->status, response->body, what));
    }
    return std::move(response->body);
  }
}

Result<Prediction> Client::Create(const CreateCall& call) {
  auto body = Call("POST", call.path, call.body, "creating a prediction");
  if (!body) return Unexpected(body.error());
  return ParsePrediction(*body);
}

Result<Prediction> Client::Get(const std::string& id) {
  auto body = Call("GET", "/v1/predictions/" + id, "", "reading prediction " + id);
  if (!body) return Unexpected(body.error());
  auto prediction = ParsePrediction(*body);
  if (prediction && prediction->id != id) {
    return Unexpected(MakeError(ErrorCode::kUpstreamFailed, "generator_failed",
                                "Replicate answered another prediction than " + id));
  }
  return prediction;
}

void Client::Cancel(const std::string& id) {
  net::HttpRequestSpec spec;
  spec.method = "POST";
  spec.url = base_ + "/v1/predictions/" + id + "/cancel";
  spec.headers = {{"Authorization", "Bearer " + options_.token}};
  net::HttpGetOptions http;
  http.timeout_ms = kCancelTimeoutMs;
  http.connect_timeout_ms = kCancelTimeoutMs;
  http.ca_file = options_.ca_file;
  (void)net::HttpSend(spec, http);  // best effort: the prediction ends by itself anyway
}

}  // namespace noisett::generate::replicate
