// Registered and Entra claims → User, against a policy: exp (required), nbf and iat with leeway,
// iss exact, aud one of the configured audiences, tid when a tenant is set, oid required, an
// optional required scope. Types are checked strictly: a string where a number belongs (or the
// reverse) is "malformed", never coerced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/user.h"
#include "core/result.h"

namespace noisett::auth {

struct ClaimPolicy {
  std::vector<std::string> issuers;    // exact match against one of these
  std::vector<std::string> audiences;  // `aud` (string or array) must contain one of these
  std::string tenant_id;               // when set, `tid` must equal it
  std::string required_scope;          // when set, `scp` must contain it
  int64_t leeway_s = 60;
};

struct ValidatedClaims {
  User user;
  int64_t expires_at = 0;  // exp, seconds since the epoch
};

Result<ValidatedClaims> CheckClaims(const nlohmann::json& payload, const ClaimPolicy& policy,
                                    int64_t now);

}  // namespace noisett::auth
