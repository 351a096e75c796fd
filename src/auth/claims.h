// Registered and Entra claims → User, against a policy: exp (required), nbf and iat with leeway,
// iss exact, aud one of the configured audiences, tid when a tenant is set, oid required, an
// optional required scope. Types were checked when the claims were read (token_claims.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "auth/token_claims.h"
#include "auth/user.h"
#include "core/result.h"

namespace noisett::auth {

struct ClaimPolicy {
  std::vector<std::string> issuers;    // exact match against one of these
  std::vector<std::string> audiences;  // `aud` (string or array) must contain one of these
  std::string tenant_id;               // when set, `tid` must equal it
  std::string required_scope;          // when set, `scp` must contain it
  int64_t leeway_s = 60;
  // When set, the string claim of this name becomes User::subscription_tier (NOISETT_TIER_CLAIM).
  std::string tier_claim;
};

struct ValidatedClaims {
  User user;
  int64_t expires_at = 0;  // exp, seconds since the epoch
};

Result<ValidatedClaims> CheckClaims(const TokenClaims& claims, const ClaimPolicy& policy,
                                    int64_t now);
// The same, moving the claims' strings into the User instead of copying them.
Result<ValidatedClaims> CheckClaims(TokenClaims&& claims, const ClaimPolicy& policy, int64_t now);

// The same from a JSON value (tests and tools): its text is read exactly as a token's would be.
Result<ValidatedClaims> CheckClaims(const nlohmann::json& payload, const ClaimPolicy& policy,
                                    int64_t now);

}  // namespace noisett::auth
