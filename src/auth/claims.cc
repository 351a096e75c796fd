// Claim checks on typed claims.
#include "auth/claims.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "auth/refusal.h"

namespace noisett::auth {
namespace {

Unexpected Refuse(std::string_view why, std::string message) {
  return Unexpected(Refusal(why, std::move(message)));
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t j = std::min(text.find(' ', i), text.size());
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

Result<int64_t> CheckTimes(const TokenClaims& claims, const ClaimPolicy& policy, int64_t now) {
  if (!claims.exp) return Refuse(reason::kMalformed, "exp claim missing");
  const double leeway = double(policy.leeway_s);
  if (double(now) >= *claims.exp + leeway) {
    return Refuse(reason::kExpired, "token expired at " +
                                        std::to_string(int64_t(std::max(*claims.exp, -9.0e15))));
  }
  if (claims.nbf && double(now) + leeway < *claims.nbf) {
    return Refuse(reason::kNotYetValid,
                  "token not valid before " + std::to_string(int64_t(std::min(*claims.nbf, 9.0e15))));
  }
  if (claims.iat && *claims.iat > double(now) + leeway) {
    return Refuse(reason::kNotYetValid, "token issued in the future");
  }
  // Clamped: exp may be any finite double; expires_at only bounds the cache lifetime.
  return int64_t(std::min(*claims.exp, 9.0e15));
}

Status CheckIssuerAudienceTenant(const TokenClaims& claims, const ClaimPolicy& policy) {
  if (!claims.iss || !Contains(policy.issuers, *claims.iss)) {
    return Refuse(reason::kWrongIssuer, "issuer is not the configured issuer");
  }
  if (std::none_of(claims.aud.begin(), claims.aud.end(),
                   [&](const std::string& a) { return Contains(policy.audiences, a); })) {
    return Refuse(reason::kWrongAudience, "audience is not this API");
  }
  if (!policy.tenant_id.empty() && claims.tid != policy.tenant_id) {
    return Refuse(reason::kWrongTenant, "token is from another tenant");
  }
  return Ok();
}

// `claims` as a const lvalue is copied from; as an rvalue (the validator's, which it no longer
// needs) its strings are moved into the User, saving an allocation and a copy for each.
template <typename Claims>
Result<User> BuildUser(Claims&& claims, const ClaimPolicy& policy) {
  const auto take = [](auto& member) -> decltype(auto) {
    if constexpr (std::is_rvalue_reference_v<Claims&&>) {
      return std::move(member);
    } else {
      return std::as_const(member);
    }
  };
  if (!claims.oid || !IsValidUserId(*claims.oid)) {
    return Refuse(reason::kMissingOid, "oid claim missing or not a valid user id");
  }
  User user;
  user.scopes = SplitSpaces(claims.scp.value_or(""));
  if (!policy.required_scope.empty() && !Contains(user.scopes, policy.required_scope)) {
    return Refuse(reason::kMissingScope, "token lacks the scope " + policy.required_scope);
  }
  user.user_id = take(*claims.oid);
  if (claims.tid) user.tenant_id = take(*claims.tid);
  user.roles = take(claims.roles);
  if (claims.ver) user.token_version = take(*claims.ver);
  if (!policy.tier_claim.empty()) {
    auto tier = claims.other_strings.find(policy.tier_claim);
    if (tier != claims.other_strings.end()) user.subscription_tier = take(tier->second);
  }
  if (claims.name) user.name = take(*claims.name);
  // v2 names the user in preferred_username; v1 in upn (work accounts) or unique_name.
  if (claims.preferred_username) {
    user.email = take(*claims.preferred_username);
  } else if (claims.upn) {
    user.email = take(*claims.upn);
  } else if (claims.unique_name) {
    user.email = take(*claims.unique_name);
  }
  return user;
}

template <typename Claims>
Result<ValidatedClaims> CheckClaimsOf(Claims&& claims, const ClaimPolicy& policy, int64_t now) {
  auto expires_at = CheckTimes(claims, policy, now);
  if (!expires_at) return Unexpected(expires_at.error());
  if (auto s = CheckIssuerAudienceTenant(claims, policy); !s) return Unexpected(s.error());
  auto user = BuildUser(std::forward<Claims>(claims), policy);
  if (!user) return Unexpected(user.error());
  return ValidatedClaims{std::move(*user), *expires_at};
}

}  // namespace

Result<ValidatedClaims> CheckClaims(const TokenClaims& claims, const ClaimPolicy& policy,
                                    int64_t now) {
  return CheckClaimsOf(claims, policy, now);
}

Result<ValidatedClaims> CheckClaims(TokenClaims&& claims, const ClaimPolicy& policy, int64_t now) {
  return CheckClaimsOf(std::move(claims), policy, now);
}

Result<ValidatedClaims> CheckClaims(const nlohmann::json& payload, const ClaimPolicy& policy,
                                    int64_t now) {
  // dump() spells NaN and infinities as null, which reads as "not a number": malformed.
  auto claims = ReadTokenClaims(payload.dump());
  if (!claims) return Unexpected(claims.error());
  return CheckClaims(*claims, policy, now);
}

}  // namespace noisett::auth
