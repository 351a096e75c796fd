// Claim checks. Each present claim must have its JSON type (a NumericDate is a JSON number, an
// issuer a string...); a wrong type is "malformed" rather than coerced, so "exp":"9999999999"
// can never pass for a number.
#include "auth/claims.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "auth/refusal.h"

namespace noisett::auth {
namespace {

using Json = nlohmann::json;

Unexpected Refuse(std::string_view why, std::string message) {
  return Unexpected(Refusal(why, std::move(message)));
}

// A present claim of the wrong type. Absent → nullopt (not an error here).
struct ClaimReader {
  const Json& payload;

  Result<std::optional<double>> Number(const char* name) const {
    auto it = payload.find(name);
    if (it == payload.end()) return std::optional<double>();
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
      return Refuse(reason::kMalformed, std::string(name) + " claim is not a number");
    }
    return std::optional<double>(it->get<double>());
  }

  Result<std::optional<std::string>> String(const char* name) const {
    auto it = payload.find(name);
    if (it == payload.end()) return std::optional<std::string>();
    if (!it->is_string()) {
      return Refuse(reason::kMalformed, std::string(name) + " claim is not a string");
    }
    return std::optional<std::string>(it->get<std::string>());
  }

  // A string or an array of strings (aud), or an array of strings (roles).
  Result<std::vector<std::string>> Strings(const char* name, bool allow_single) const {
    std::vector<std::string> out;
    auto it = payload.find(name);
    if (it == payload.end()) return out;
    if (allow_single && it->is_string()) return std::vector<std::string>{it->get<std::string>()};
    if (!it->is_array()) {
      return Refuse(reason::kMalformed, std::string(name) + " claim has the wrong type");
    }
    for (const auto& v : *it) {
      if (!v.is_string()) {
        return Refuse(reason::kMalformed, std::string(name) + " claim holds a non-string");
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }
};

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

Result<int64_t> CheckTimes(const ClaimReader& claims, const ClaimPolicy& policy, int64_t now) {
  auto exp = claims.Number("exp");
  if (!exp) return Unexpected(exp.error());
  if (!*exp) return Refuse(reason::kMalformed, "exp claim missing");
  const double leeway = double(policy.leeway_s);
  if (double(now) >= **exp + leeway) {
    return Refuse(reason::kExpired, "token expired at " + std::to_string(int64_t(**exp)));
  }
  auto nbf = claims.Number("nbf");
  if (!nbf) return Unexpected(nbf.error());
  if (*nbf && double(now) + leeway < **nbf) {
    return Refuse(reason::kNotYetValid, "token not valid before " + std::to_string(int64_t(**nbf)));
  }
  auto iat = claims.Number("iat");
  if (!iat) return Unexpected(iat.error());
  if (*iat && **iat > double(now) + leeway) {
    return Refuse(reason::kNotYetValid, "token issued in the future");
  }
  // Clamp: exp may be any finite double, expires_at is only used to bound cache lifetime.
  return int64_t(std::min(**exp, 9.0e15));
}

Status CheckIssuerAudienceTenant(const ClaimReader& claims, const ClaimPolicy& policy,
                                 User& user) {
  auto iss = claims.String("iss");
  if (!iss) return Unexpected(iss.error());
  if (!*iss || !Contains(policy.issuers, **iss)) {
    return Refuse(reason::kWrongIssuer, "issuer is not the configured issuer");
  }
  auto aud = claims.Strings("aud", /*allow_single=*/true);
  if (!aud) return Unexpected(aud.error());
  if (std::none_of(aud->begin(), aud->end(),
                   [&](const std::string& a) { return Contains(policy.audiences, a); })) {
    return Refuse(reason::kWrongAudience, "audience is not this API");
  }
  auto tid = claims.String("tid");
  if (!tid) return Unexpected(tid.error());
  if (!policy.tenant_id.empty() && *tid != policy.tenant_id) {
    return Refuse(reason::kWrongTenant, "token is from another tenant");
  }
  user.tenant_id = tid->value_or("");
  return Ok();
}

Status ReadIdentity(const ClaimReader& claims, const ClaimPolicy& policy, User& user) {
  auto oid = claims.String("oid");
  if (!oid) return Unexpected(oid.error());
  if (!*oid || !IsValidUserId(**oid)) {
    return Refuse(reason::kMissingOid, "oid claim missing or not a valid user id");
  }
  user.user_id = **oid;
  auto scp = claims.String("scp");
  if (!scp) return Unexpected(scp.error());
  user.scopes = SplitSpaces(scp->value_or(""));
  if (!policy.required_scope.empty() && !Contains(user.scopes, policy.required_scope)) {
    return Refuse(reason::kMissingScope, "token lacks the scope " + policy.required_scope);
  }
  auto roles = claims.Strings("roles", /*allow_single=*/false);
  if (!roles) return Unexpected(roles.error());
  user.roles = std::move(*roles);
  // v2 names the user in preferred_username; v1 in upn (work accounts) or unique_name.
  for (const char* name : {"ver", "name", "preferred_username", "upn", "unique_name"}) {
    auto value = claims.String(name);
    if (!value) return Unexpected(value.error());
    if (!*value) continue;
    if (std::string_view(name) == "ver") {
      user.token_version = **value;
    } else if (std::string_view(name) == "name") {
      user.name = **value;
    } else if (user.email.empty()) {
      user.email = **value;
    }
  }
  return Ok();
}

}  // namespace

Result<ValidatedClaims> CheckClaims(const Json& payload, const ClaimPolicy& policy, int64_t now) {
  const ClaimReader claims{payload};
  ValidatedClaims out;
  auto expires_at = CheckTimes(claims, policy, now);
  if (!expires_at) return Unexpected(expires_at.error());
  out.expires_at = *expires_at;
  if (auto s = CheckIssuerAudienceTenant(claims, policy, out.user); !s) return Unexpected(s.error());
  if (auto s = ReadIdentity(claims, policy, out.user); !s) return Unexpected(s.error());
  return out;
}

}  // namespace noisett::auth
