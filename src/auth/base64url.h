// Strict base64url (RFC 4648 §5) as JWS uses it: alphabet A-Z a-z 0-9 - _, no padding, no
// whitespace, and no stray bits in the last character (so one token has one spelling).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace noisett::auth {

std::string Base64UrlEncode(std::string_view bytes);

// nullopt on any character outside the alphabet, on '=', on an impossible length (4n+1) or on
// non-zero trailing bits.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace noisett::auth
