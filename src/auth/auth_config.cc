// From operator settings to a validator: defaults, Entra issuer/audience rules, the JWKS source.
#include "auth/auth_config.h"

#include "auth/dev_issuer.h"
#include "core/log.h"
#include "net/http_client.h"

namespace noisett::auth {
namespace {

Unexpected BadConfig(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_config", std::move(message)));
}

std::string EntraV2Issuer(const std::string& tenant) {
  return "https://login.microsoftonline.com/" + tenant + "/v2.0";
}
std::string EntraV1Issuer(const std::string& tenant) {
  return "https://sts.windows.net/" + tenant + "/";
}

Status ResolveDev(const AuthConfig& config, ResolvedAuth& out) {
  out.validator.policy.issuers = {std::string(kDevIssuer)};
  out.validator.policy.audiences = {std::string(kDevAudience)};
  const std::string jwks = config.jwks_file.empty() ? DevJwksPath(config.data_dir) : config.jwks_file;
  out.source = MakeFileJwksSource(jwks);
  out.warnings.push_back("auth: DEV mode: trusting only the dev issuer's keys (" + jwks +
                         "); anyone who can run `noisett token` here can sign in as anyone");
  if (!config.tenant_id.empty()) {
    out.warnings.push_back("auth: AZURE_TENANT_ID is set but --auth dev was chosen: Entra ID "
                           "tokens will be refused");
  }
  return Ok();
}

Status ResolveIssuer(const AuthConfig& config, ResolvedAuth& out) {
  ClaimPolicy& policy = out.validator.policy;
  if (!config.issuer.empty()) {
    policy.issuers.push_back(config.issuer);
  } else if (!config.tenant_id.empty()) {
    policy.issuers.push_back(EntraV2Issuer(config.tenant_id));
  } else {
    return BadConfig("no token issuer configured: set AZURE_TENANT_ID (Entra ID) or "
                     "NOISETT_AUTH_ISSUER (any OIDC issuer), or run with --auth dev");
  }
  if (config.accept_v1) {
    if (config.tenant_id.empty()) return BadConfig("NOISETT_AUTH_ACCEPT_V1 needs AZURE_TENANT_ID");
    policy.issuers.push_back(EntraV1Issuer(config.tenant_id));
  }
  if (!config.audiences.empty()) {
    policy.audiences = config.audiences;
  } else if (!config.client_id.empty()) {
    policy.audiences.push_back(config.client_id);
    // v1 tokens requested for the App ID URI carry it as aud (docs/auth.md).
    if (config.accept_v1) policy.audiences.push_back("api://" + config.client_id);
  } else {
    return BadConfig("no audience configured: set AZURE_CLIENT_ID (the API's application id) or "
                     "NOISETT_AUTH_AUDIENCES");
  }
  return Ok();
}

Status ResolveSource(const AuthConfig& config, ResolvedAuth& out) {
  if (!config.jwks_file.empty()) {
    out.source = MakeFileJwksSource(config.jwks_file);
    return Ok();
  }
  std::string url = config.jwks_url;
  bool discovery = false;
  if (url.empty()) {
    std::string issuer = out.validator.policy.issuers.front();
    while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
    url = issuer + "/.well-known/openid-configuration";
    discovery = true;
  }
  if (auto ok = net::CheckKeyUrl(url); !ok) return BadConfig("JWKS: " + ok.error().message);
  out.source = discovery ? MakeDiscoveryJwksSource(url) : MakeUrlJwksSource(url);
  return Ok();
}

}  // namespace

std::string_view AuthModeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kRequired: return "required";
    case AuthMode::kOptional: return "optional";
    case AuthMode::kDev: return "dev";
  }
  return "required";
}

Result<AuthMode> ParseAuthMode(std::string_view text) {
  if (text == "required") return AuthMode::kRequired;
  if (text == "optional") return AuthMode::kOptional;
  if (text == "dev") return AuthMode::kDev;
  return BadConfig("auth mode must be required, optional or dev, got '" + std::string(text) + "'");
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(',', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view item = text.substr(i, j - i);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    i = j + 1;
  }
  return out;
}

Result<ResolvedAuth> ResolveAuthConfig(const AuthConfig& config) {
  ResolvedAuth out;
  if (config.algs.empty()) return BadConfig("NOISETT_AUTH_ALGS: empty list");
  if (config.leeway_s < 0 || config.leeway_s > 3600) {
    return BadConfig("NOISETT_AUTH_LEEWAY_S must be between 0 and 3600 seconds");
  }
  out.validator.algs = config.algs;
  out.validator.policy.leeway_s = config.leeway_s;
  out.validator.policy.required_scope = config.required_scope;
  out.validator.policy.tier_claim = config.tier_claim;
  if (config.mode == AuthMode::kDev) {
    if (auto s = ResolveDev(config, out); !s) return Unexpected(s.error());
  } else {
    out.validator.policy.tenant_id = config.tenant_id;
    if (auto s = ResolveIssuer(config, out); !s) return Unexpected(s.error());
    if (auto s = ResolveSource(config, out); !s) return Unexpected(s.error());
  }
  out.source_description = out.source->Describe();
  return out;
}

Result<std::unique_ptr<TokenValidator>> MakeValidator(const AuthConfig& config, const Clock& clock) {
  auto resolved = ResolveAuthConfig(config);
  if (!resolved) return Unexpected(resolved.error());
  if (config.mode == AuthMode::kDev && config.jwks_file.empty()) {
    // The dev key and its JWKS exist from the first start, so `noisett token` and the server
    // always agree on them.
    if (auto issuer = DevIssuer::Open(config.data_dir); !issuer) return Unexpected(issuer.error());
  }
  for (const std::string& warning : resolved->warnings) LogWarn(warning);
  auto keys = std::make_shared<JwksCache>(std::move(resolved->source), clock, config.cache);
  if (auto first = keys->Start(); !first) {
    LogError("auth: no signing keys yet from " + resolved->source_description +
             "; every token is refused until a refresh succeeds");
  }
  return std::make_unique<TokenValidator>(std::move(resolved->validator), std::move(keys), clock);
}

}  // namespace noisett::auth
