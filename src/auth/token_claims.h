// The claims Noisett reads from a token, typed. Reading checks JSON types strictly (a string
// where a NumericDate belongs, or the reverse, is "malformed" and never coerced); judging the
// values against a policy is claims.h's job.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::auth {

struct TokenClaims {
  std::optional<double> exp, nbf, iat;
  std::optional<std::string> iss, tid, oid, scp, ver, name, preferred_username, upn, unique_name;
  std::vector<std::string> aud;  // a single-string aud becomes one element
  std::vector<std::string> roles;
  // Every other claim whose value is a string, by name (a configured tier claim is read here).
  std::map<std::string, std::string> other_strings;

  bool operator==(const TokenClaims&) const = default;
};

// From the payload's JSON text (the validator's path). Errors: refusal "malformed".
// `only_other`, when given, keeps in other_strings just the claim of that name (the validator's
// tier claim) instead of every one, sparing an allocation or two per claim nobody reads; which
// tokens are accepted does not change.
Result<TokenClaims> ReadTokenClaims(std::string_view payload_json,
                                    std::optional<std::string_view> only_other = std::nullopt);

}  // namespace noisett::auth
