// Authentication settings as the operator gives them (flags / environment variables), and how
// they resolve into a validator: issuer, audiences, tenant, algorithms and the JWKS source.
//   AZURE_TENANT_ID, AZURE_CLIENT_ID         the Entra tenant and the API's client id
//   NOISETT_AUTH               required | optional | dev (default required)
//   NOISETT_AUTH_ISSUER        any OIDC issuer instead of Entra's v2 issuer
//   NOISETT_AUTH_ACCEPT_V1     also accept Entra v1 tokens (https://sts.windows.net/{tenant}/)
//   NOISETT_AUTH_AUDIENCES     comma-separated; default the client id (+ api://{client id} with v1)
//   NOISETT_AUTH_ALGS          comma-separated allow-list: RS256 (default), PS256, ES256
//   NOISETT_AUTH_LEEWAY_S      clock-skew allowance for exp/nbf/iat (default 60)
//   NOISETT_AUTH_SCOPE         a scope every token must carry in `scp` (default none)
//   NOISETT_JWKS_URL / NOISETT_JWKS_FILE   skip discovery and read the keys from here
//   NOISETT_DATA_DIR           where the dev issuer keeps its key (default ./data)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth/algorithms.h"
#include "auth/jwks_cache.h"
#include "auth/validator.h"
#include "core/clock.h"
#include "core/result.h"

namespace noisett::auth {

enum class AuthMode { kRequired, kOptional, kDev };

std::string_view AuthModeName(AuthMode mode);
Result<AuthMode> ParseAuthMode(std::string_view text);

struct AuthConfig {
  AuthMode mode = AuthMode::kRequired;
  std::string data_dir = "./data";
  std::string tenant_id;
  std::string client_id;
  std::string issuer;                  // override; default from the tenant
  bool accept_v1 = false;
  std::vector<std::string> audiences;  // override; default from the client id
  std::vector<Alg> algs{Alg::kRS256};
  int64_t leeway_s = 60;
  std::string required_scope;
  std::string tier_claim;  // NOISETT_TIER_CLAIM: a claim naming the user's subscription tier
  std::string jwks_url;
  std::string jwks_file;
  JwksCacheOptions cache;
};

// "a, b,,c" -> {"a","b","c"}
std::vector<std::string> SplitList(std::string_view text);

// What AuthConfig means once defaults are applied. Errors: kInvalidArgument "bad_config" with what
// is missing ("set AZURE_TENANT_ID or NOISETT_AUTH_ISSUER, or use --auth dev").
struct ResolvedAuth {
  ValidatorOptions validator;
  std::unique_ptr<JwksSource> source;
  std::string source_description;
  std::vector<std::string> warnings;  // to log at start (dev mode, dev with a tenant set)
};
Result<ResolvedAuth> ResolveAuthConfig(const AuthConfig& config);

// Resolves, starts the JWKS cache (its first fetch failing is logged, not fatal) and returns the
// validator. `clock` must outlive it.
Result<std::unique_ptr<TokenValidator>> MakeValidator(const AuthConfig& config, const Clock& clock);

}  // namespace noisett::auth
