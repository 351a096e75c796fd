// What the gallery (web/) needs from the server besides the API:
//   GET  /api/config     no token: how to sign in (auth mode, Entra tenant and client ids,
//                        authority, scopes) and the generate limits
//   POST /api/dev/token  only with --auth dev (the route does not exist in any other mode):
//                        {"user":"alice"} -> a dev-issuer token, as `noisett token` mints
//   GET  / and every file of web/ (static_files.h)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth/dev_issuer.h"
#include "core/clock.h"
#include "http/router.h"
#include "http/static_files.h"

namespace noisett::http {

struct WebConfig {
  std::string auth_mode;   // "required" | "optional" | "dev"
  std::string tenant_id;   // AZURE_TENANT_ID
  std::string client_id;   // AZURE_CLIENT_ID
  std::string authority;   // https://login.microsoftonline.com/TENANT, or the OIDC issuer
  std::vector<std::string> scopes;  // what the page asks a token for: api://CLIENT/.default
  std::string generator;   // NOISETT_GENERATOR's name
  // Set only in --auth dev mode; then POST /api/dev/token exists.
  std::shared_ptr<const auth::DevIssuer> dev_issuer;
  int64_t dev_token_ttl_s = 8 * 3600;
  std::shared_ptr<const StaticSite> site;  // null: no gallery at /
};

void AddWebRoutes(Router& router, const WebConfig& config, const Clock& clock);

}  // namespace noisett::http
