// Where JWKS documents come from (the "key source" interface): a file (dev issuer,
// NOISETT_JWKS_FILE), a URL (NOISETT_JWKS_URL), or OpenID discovery (issuer +
// /.well-known/openid-configuration → jwks_uri). Each Fetch returns the JWKS text.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"

namespace noisett::auth {

class JwksSource {
 public:
  virtual ~JwksSource() = default;
  // The current JWKS document. Errors: kUnavailable "jwks_unavailable" with the cause.
  virtual Result<std::string> Fetch() = 0;
  // For logs: "file /path", "url https://...", "discovery https://...".
  virtual std::string Describe() const = 0;
};

std::unique_ptr<JwksSource> MakeFileJwksSource(std::string path);
std::unique_ptr<JwksSource> MakeUrlJwksSource(std::string url);
// `discovery_url` is the openid-configuration document; its jwks_uri is remembered after the
// first success and rediscovered when fetching from it fails.
std::unique_ptr<JwksSource> MakeDiscoveryJwksSource(std::string discovery_url);

}  // namespace noisett::auth
