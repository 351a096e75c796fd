// The libcurl adapter: small blocking HTTP requests with timeouts, a body cap and TLS
// verification always on. The only file that includes curl. HttpSend/HttpGet make one connection
// per call; an HttpClient keeps connections open between calls (Azure Blob Storage).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/percent_encoding.h"
#include "core/result.h"

namespace noisett::net {

// The most header bytes one response may carry (status line included); more is "header_too_large".
inline constexpr size_t kMaxResponseHeaderBytes = 64 * 1024;

struct HttpGetOptions {
  long connect_timeout_ms = 5000;
  long timeout_ms = 10000;        // the whole transfer
  size_t max_body_bytes = 1 << 20;
  // A PEM bundle trusted for TLS instead of the default bundle file (a test's self-signed
  // server); empty: the system's. Verification stays on either way.
  std::string ca_file;

  // For SafeFetch's SSRF guard; the defaults leave requests exactly as they were.
  // CURLOPT_RESOLVE entries "host:port:address[,address]" ("[::1]" for IPv6): the connection
  // goes to these checked addresses, not to whatever DNS answers at connect time.
  std::vector<std::string> resolve;
  // Asked with the peer address (4 or 16 bytes, network order) before every socket is opened;
  // false refuses that connection (the request then fails as a connect failure).
  std::function<bool(const std::vector<uint8_t>& address)> allow_connect;
  // Use no proxy, whatever http_proxy, https_proxy or ALL_PROXY say.
  bool no_proxy = false;
  // A Content-Length over max_body_bytes fails with "too_large" before any of the body is read.
  bool refuse_long_content_length = false;
  // Non-empty: the reason (code kUnavailable) of a request that ran out of time, instead of
  // "fetch_failed" or "connect_failed".
  std::string timeout_reason;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  // The final response's headers, names lowercased, values trimmed, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Any method, with headers and a body (the CLI's remote mode). Same rules and errors as HttpGet.
// A header with an empty value removes one curl would add by itself ("Content-Type" for a body,
// "Expect"). POST and PUT always send their body (Content-Length: 0 when empty); HEAD reads no
// body.
struct HttpRequestSpec {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
Result<HttpResponse> HttpSend(const HttpRequestSpec& request, const HttpGetOptions& options = {});

// Keeps connections alive between requests: a pool of curl handles, each with its own connection
// cache, taken by one request at a time. Send is thread-safe; concurrent calls use separate
// handles (and connections). Errors as HttpSend, except that a failure before any byte of the
// request was sent (DNS, connect, TLS handshake, connect timeout) has the reason
// "connect_failed": a caller may repeat even a non-idempotent request after it.
class HttpClient final {
 public:
  // Up to `max_idle` handles (and their connections) are kept between requests.
  explicit HttpClient(size_t max_idle = 8);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequestSpec& request, const HttpGetOptions& options);

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

// GET `url`. No redirects are followed. Errors: kUnavailable "fetch_failed" (DNS, connect, TLS,
// timeout), kUnavailable "header_too_large" (a response header section over
// kMaxResponseHeaderBytes) and kTooLarge "too_large" (body over the cap); any HTTP status is a
// success here.
Result<HttpResponse> HttpGet(const std::string& url, const HttpGetOptions& options = {});

// Key material must travel over TLS: `url` must be https://, or http:// to a loopback host
// (127.0.0.0/8, [::1], localhost) for tests and local issuers. Errors: kInvalidArgument "bad_url".
Status CheckKeyUrl(const std::string& url);

}  // namespace noisett::net
