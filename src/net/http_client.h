// The libcurl adapter: small blocking HTTP requests with timeouts, a body cap and TLS
// verification always on. The only file that includes curl.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace noisett::net {

struct HttpGetOptions {
  long connect_timeout_ms = 5000;
  long timeout_ms = 10000;        // the whole transfer
  size_t max_body_bytes = 1 << 20;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Any method, with headers and a body (the CLI's remote mode). Same rules and errors as HttpGet.
struct HttpRequestSpec {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
Result<HttpResponse> HttpSend(const HttpRequestSpec& request, const HttpGetOptions& options = {});

// GET `url`. No redirects are followed. Errors: kUnavailable "fetch_failed" (DNS, connect, TLS,
// timeout) and kTooLarge "too_large" (body over the cap); any HTTP status is a success here.
Result<HttpResponse> HttpGet(const std::string& url, const HttpGetOptions& options = {});

// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
std::string UrlEncode(std::string_view text);

// Key material must travel over TLS: `url` must be https://, or http:// to a loopback host
// (127.0.0.0/8, [::1], localhost) for tests and local issuers. Errors: kInvalidArgument "bad_url".
Status CheckKeyUrl(const std::string& url);

}  // namespace noisett::net
