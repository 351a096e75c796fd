// The CORS policy: matching the Origin header, the headers added to answers, preflights.
#include "http/cors.h"

#include <algorithm>
#include <utility>

namespace noisett::http {
namespace {

// Response headers a cross-origin script may read besides the CORS-safelisted ones
// (Content-Type, Content-Length, Cache-Control, Last-Modified, ...): the request id to quote in
// a report, Retry-After of a 503 or 429, a 202's Location, a 401's WWW-Authenticate, and a
// blob's ETag and ranges.
constexpr std::string_view kExposedHeaders =
    "X-Request-Id, Retry-After, Location, WWW-Authenticate, ETag, Content-Range, Accept-Ranges";

// Every method some /api route takes (a fixed list, not the route's own: the preflight is
// answered before routing, and a method a route lacks still gets its 405 on the real request).
constexpr std::string_view kApiMethods = "GET, HEAD, POST, PUT, DELETE";
// Signed links are read-only.
constexpr std::string_view kBlobMethods = "GET, HEAD";

// The request headers the API and the blob route read: the token, a body's type, the optional
// mode's marker, a conditional or ranged blob GET, and an event stream's resume point.
constexpr std::string_view kAllowedRequestHeaders =
    "Authorization, Content-Type, X-Auth-Optional, If-None-Match, Range, Last-Event-ID";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The methods a preflight to `path` may be told, or "" for a path CORS does not cover.
std::string_view MethodsFor(std::string_view path) {
  if (path == "/api" || StartsWith(path, "/api/")) return kApiMethods;
  if (StartsWith(path, "/blobs/")) return kBlobMethods;
  return {};
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

const std::string* CorsPolicy::AllowedOrigin(const Headers& request_headers) const {
  // Several Origin fields are not something a browser sends: match none of them.
  if (origins_.empty() || request_headers.Count("Origin") != 1) return nullptr;
  const std::string_view origin = *request_headers.Get("Origin");
  auto it = std::find(origins_.begin(), origins_.end(), origin);
  return it == origins_.end() ? nullptr : &*it;
}

void CorsPolicy::AddHeaders(const HttpRequest& request, Headers& answer) const {
  if (!enabled()) return;
  answer.Add("Vary", "Origin");
  const std::string* origin = AllowedOrigin(request.headers);
  if (origin == nullptr) return;
  answer.Set("Access-Control-Allow-Origin", *origin);
  answer.Set("Access-Control-Expose-Headers", std::string(kExposedHeaders));
}

std::optional<HttpResponse> CorsPolicy::Preflight(const HttpRequest& request) const {
  if (!enabled() || request.method != "OPTIONS") return std::nullopt;
  if (!request.headers.Get("Origin") || !request.headers.Get("Access-Control-Request-Method")) {
    return std::nullopt;  // a plain OPTIONS: the router answers it as before
  }
  const std::string_view methods = MethodsFor(request.path());
  if (methods.empty()) return std::nullopt;
  if (AllowedOrigin(request.headers) == nullptr) {
    HttpResponse refused =
        ErrorResponse(403, "cors_origin_not_allowed", "this origin is not in NOISETT_CORS_ORIGINS");
    refused.route = "preflight";
    return refused;
  }
  HttpResponse answer;
  answer.status = 204;
  answer.route = "preflight";
  answer.headers.Set("Access-Control-Allow-Methods", std::string(methods));
  answer.headers.Set("Access-Control-Allow-Headers", std::string(kAllowedRequestHeaders));
  answer.headers.Set("Access-Control-Max-Age", std::to_string(kCorsMaxAgeSeconds));
  return answer;
}

}  // namespace noisett::http
