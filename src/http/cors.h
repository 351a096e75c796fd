// Cross-origin access (CORS) for a page served from another origin: which origins may read the
// answers, the headers every answer then carries, and the answer to a preflight. A pure policy
// over http_types.h values; the server (session.cc) asks it once per request, so API answers,
// signed-link blobs and the server's own refusals all carry the same headers. Which origins are
// listed, and checking their syntax, is configuration's (app/setting_values.cc:
// NOISETT_CORS_ORIGINS).
//
// CORS is not access control: a request from an origin not listed is still handled exactly as
// before (a token still decides), only its answer carries no Access-Control-* header, so the
// browser keeps it from the page. No `*` and no Access-Control-Allow-Credentials: the API takes
// bearer tokens, never cookies, so a listed origin is echoed and nothing else is ever needed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.h"

namespace noisett::http {

// Seconds a browser may keep a preflight's answer: long enough that a gallery does not preflight
// every call, short enough that removing an origin takes effect within minutes.
inline constexpr int kCorsMaxAgeSeconds = 600;

class CorsPolicy final {
 public:
  // No origin: no CORS header on any answer and no preflight answered (same-origin only).
  CorsPolicy() = default;
  // REQUIRES: each origin as a browser serializes it (scheme://host[:port], lower case, no
  // default port, no path) or "null"; configuration checks this (app::LoadConfig).
  explicit CorsPolicy(std::vector<std::string> origins);

  bool enabled() const { return !origins_.empty(); }

  // The listed origin equal, byte for byte, to the request's one Origin header; nullptr when it
  // has none, several, or one not listed. What is echoed is always the configured text.
  const std::string* AllowedOrigin(const Headers& request_headers) const;

  // Adds to an answer to `request`: Vary: Origin whenever the policy is enabled (a cache must
  // not hand one origin's answer to another, or a blob fetched without Origin to a canvas), and
  // for a listed origin Access-Control-Allow-Origin and Access-Control-Expose-Headers.
  void AddHeaders(const HttpRequest& request, Headers& answer) const;

  // The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) to an
  // /api or /blobs path: 204 with the allowed methods and headers and a max-age for a listed
  // origin (AddHeaders adds the origin), 403 "cors_origin_not_allowed" for any other. nullopt
  // for anything else (not enabled, not a preflight, another path): routed as before.
  std::optional<HttpResponse> Preflight(const HttpRequest& request) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace noisett::http
