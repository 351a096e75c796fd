// Strict parsing of a compact JWS (RFC 7515 §7.1): exactly three base64url parts, header and
// payload JSON objects, at most 16 KiB in all. Parsing checks form only; signature and claims
// are checked by the callers (signature.h, claims.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace noisett::auth {

inline constexpr size_t kMaxTokenBytes = 16 * 1024;

struct CompactJws {
  nlohmann::json header;   // an object
  nlohmann::json payload;  // an object
  std::string alg;         // header "alg" (a string; not yet checked against the allow-list)
  std::string kid;         // header "kid", empty when absent
  std::string signing_input;  // "BASE64URL(header).BASE64URL(payload)", what was signed
  std::string signature;      // decoded signature bytes
};

// Errors: reason "malformed" (size, parts, alphabet, JSON, types, a "crit" header we cannot
// honour) with a message naming the part.
Result<CompactJws> ParseCompactJws(std::string_view token);

}  // namespace noisett::auth
