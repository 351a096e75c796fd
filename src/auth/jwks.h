// JSON Web Key Sets: RSA (n, e) and EC P-256 (crv, x, y) keys turned into verification keys,
// selected by kid. Keys we cannot use (other types, curves, "use":"enc", no kid, RSA under 2048
// bits) are skipped, not fatal, so one odd key never takes the whole set down.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/algorithms.h"
#include "auth/crypto.h"
#include "core/result.h"

namespace noisett::auth {

struct VerifyKey {
  std::string kid;
  crypto::Key key;
  std::optional<Alg> alg;  // the JWK's "alg" when it names one; the token must then use it
};

// True when a token signed with `alg` may be checked with `key` (RSA for RS256/PS256, P-256 for
// ES256, and the JWK's own alg if it has one).
bool KeyMatchesAlg(const VerifyKey& key, Alg alg);

struct KeySet {
  std::unordered_map<std::string, VerifyKey> by_kid;
  std::vector<std::string> skipped;  // "kid: why" for each key left out

  const VerifyKey* Find(std::string_view kid) const;
};

// Errors: kInvalidArgument "bad_jwks" when the document is not JSON or has no "keys" array.
Result<KeySet> ParseJwks(std::string_view json);

// One JWK object (as JSON text) for a public key, with kid, "use":"sig" and alg.
std::string RsaPublicJwk(const crypto::RsaComponents& rsa, std::string_view kid, Alg alg);

}  // namespace noisett::auth
