// /api/config, the dev sign-in and the gallery's files.
#include "http/web_routes.h"

#include "core/ids.h"

namespace noisett::http {
namespace {

using Json = nlohmann::json;

HttpResponse Config(const WebConfig& c) {
  Json out = {{"auth_mode", c.auth_mode},
              {"tenant_id", c.tenant_id},
              {"client_id", c.client_id},
              {"authority", c.authority},
              {"scopes", c.scopes},
              {"generator", c.generator},
              {"dev_sign_in", c.dev_issuer != nullptr},
              {"max_count", 8},
              {"max_prompt_chars", 2000},
              {"qualities", {"high", "medium", "low"}}};
  HttpResponse res = JsonResponse(200, out);
  res.headers.Set("Cache-Control", "no-cache");
  return res;
}

// Dev mode only: anyone who can reach the server can be anyone, which is what dev mode means
// (it listens on loopback by default; docs/auth.md). Never an admin token.
HttpResponse DevToken(const WebConfig& c, const Clock& clock, const HttpRequest& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("user") || !body["user"].is_string()) {
    return ErrorResponse(400, "bad_input", "send {\"user\": \"NAME\"}");
  }
  const std::string user = body["user"].get<std::string>();
  if (!IsValidUserId(user)) {
    return ErrorResponse(400, "bad_input", "a user name is 1..64 of A-Z a-z 0-9 _ -");
  }
  auth::DevTokenRequest mint;
  mint.user = user;
  mint.ttl_s = c.dev_token_ttl_s;
  auto token = c.dev_issuer->Mint(mint, clock.NowSeconds());
  if (!token) return ErrorResponse(token.error());
  HttpResponse res =
      JsonResponse(200, Json{{"token", *token}, {"user", user}, {"expires_in", c.dev_token_ttl_s}});
  res.headers.Set("Cache-Control", "no-store");
  res.user = user;
  return res;
}

}  // namespace

void AddWebRoutes(Router& router, const WebConfig& config, const Clock& clock) {
  router.Add(
      "GET", "/api/config",
      [&config](const HttpRequest&, const RouteParams&) { return Config(config); },
      Lane::kIo);
  if (config.dev_issuer) {
    router.Add("POST", "/api/dev/token",
               [&config, &clock](const HttpRequest& q, const RouteParams&) {
                 return DevToken(config, clock, q);
               });
  }
  if (config.site) AddStaticRoutes(router, config.site);
}

}  // namespace noisett::http
