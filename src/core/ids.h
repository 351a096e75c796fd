// Identifiers that become parts of blob paths: user ids (from a validated token's oid or the
// operator's --user) and job ids (made here, never by clients). Both have a closed alphabet, so
// no client string becomes a path unchecked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace noisett {

// [A-Za-z0-9_-]{1,64}
bool IsValidUserId(std::string_view id);

// A ULID: 26 Crockford base32 characters, 48-bit millisecond time then 80 random bits, so ids
// sort by creation time. `now_ms` is milliseconds since the epoch.
std::string NewJobId(int64_t now_ms);
// 26 characters of the Crockford alphabet (0-9, A-Z without I, L, O, U), uppercase.
bool IsValidJobId(std::string_view id);

}  // namespace noisett
