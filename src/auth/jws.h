// Strict parsing of a compact JWS (RFC 7515 §7.1): exactly three base64url parts, header and
// payload JSON objects, at most 16 KiB in all. Parsing checks form and claim types only;
// signature and claim values are checked by the validator.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "auth/token_claims.h"
#include "core/result.h"

namespace noisett::auth {

// Below the HTTP server's 16 KiB limit on a request head (server.h max_header_bytes), so every
// token the HTTP layer lets through is checked here and an oversized one is 401 "malformed" as
// docs/auth.md says; a head over 16 KiB is 431 before any token is read. 8 KiB is also nginx's
// default limit on one header line; real Entra tokens stay well under it.
inline constexpr size_t kMaxTokenBytes = 8 * 1024;

struct CompactJws {
  std::string alg;            // header "alg" (a string; not yet checked against the allow-list)
  std::string kid;            // header "kid", empty when absent
  TokenClaims claims;         // the payload's claims, types checked
  std::string_view signing_input;  // "BASE64URL(header).BASE64URL(payload)", a view of the token
  std::string signature;           // decoded signature bytes
};

// Errors: reason "malformed" (size, parts, alphabet, JSON, claim types, a "crit" header we
// cannot honour) with a message naming the part. The result views `token`: keep it alive.
// `only_other_claim`: see ReadTokenClaims (the validator needs only its tier claim).
Result<CompactJws> ParseCompactJws(std::string_view token,
                                   std::optional<std::string_view> only_other_claim = std::nullopt);

}  // namespace noisett::auth
