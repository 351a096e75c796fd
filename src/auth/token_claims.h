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
Result<TokenClaims> ReadTokenClaims(std::string_view payload_json);

}  // namespace noisett::auth
