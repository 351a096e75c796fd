// The storage module's OpenSSL adapter, and the only storage file that includes OpenSSL:
// HMAC-SHA256 for signed links and Azure signatures, constant-time comparison and CSPRNG bytes.
// Knows nothing about links, URLs or keys; link_signer.cc and link_keys.cc build on it. Base64 is
// core/base64.h. Every function is safe from many threads.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::storage::crypto {

inline constexpr size_t kHmacSha256Bytes = 32;

// The 32-byte raw HMAC-SHA256 of `data` under `key`. Errors: kInternal "crypto_failure" only when
// OpenSSL itself fails (allocation); the OpenSSL error queue is drained either way.
Result<std::string> HmacSha256(std::string_view key, std::string_view data);

// The same MAC in a plain array, for a caller that only compares it (a link check on every
// signed-link GET): nothing is allocated.
using Sha256Mac = std::array<unsigned char, kHmacSha256Bytes>;
Result<Sha256Mac> HmacSha256Array(std::string_view key, std::string_view data);

// True when a and b are equal. The time taken depends only on the lengths (CRYPTO_memcmp), never
// on where the first difference is; lengths are public (an HMAC is always 32 bytes).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// `n` bytes from OpenSSL's CSPRNG. Errors: kInternal "crypto_failure" when it is not seeded.
Result<std::string> RandomBytes(size_t n);

}  // namespace noisett::storage::crypto
