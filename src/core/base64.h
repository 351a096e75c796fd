// Base64 (RFC 4648): the standard alphabet with '=' padding (§4: link signatures and keys, Azure
// keys, SAS and Shared Key signatures) and base64url without padding (§5: JWS, JWK members).
// Decoding is strict in both: the alphabet only, no whitespace, padding exactly where §4 puts it
// and nowhere in base64url, unused trailing bits zero. So each byte string has exactly one
// accepted spelling and a signature or token cannot be re-spelled.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett {

// A-Z a-z 0-9 + /, '=' padded to a multiple of 4: "\xfb\xff" -> "+/8=".
std::string Base64Encode(std::string_view bytes);

// The inverse of Base64Encode, accepting nothing else: length a multiple of 4, '=' only as the
// last one or two characters.
// Errors: kInvalidArgument "bad_base64".
Result<std::string> Base64Decode(std::string_view text);

// A-Z a-z 0-9 - _, no padding: "\xfb\xff" -> "-_8".
std::string Base64UrlEncode(std::string_view bytes);

// The inverse of Base64UrlEncode, accepting nothing else: no '=', no length of the form 4n+1.
// Errors: kInvalidArgument "bad_base64url".
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace noisett
