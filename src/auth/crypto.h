// The OpenSSL 3 adapter: the only file in auth that includes OpenSSL. Public keys from JWK
// components, JWS signature verification (and signing for the dev issuer), RSA key generation,
// PEM, SHA-256. Keys are immutable after construction and safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

typedef struct evp_pkey_st EVP_PKEY;  // NOLINT: OpenSSL's own forward declaration

namespace noisett::auth::crypto {

enum class KeyKind { kRsa, kEcP256, kOther };

class Key {
 public:
  Key() = default;
  explicit Key(EVP_PKEY* owned);  // takes ownership

  bool valid() const { return pkey_ != nullptr; }
  KeyKind kind() const { return kind_; }
  int bits() const { return bits_; }
  EVP_PKEY* get() const { return pkey_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> pkey_;
  KeyKind kind_ = KeyKind::kOther;  // worked out once: asked on every verify
  int bits_ = 0;
};

// The signature schemes of RS256, PS256 (RSASSA-PSS, MGF1-SHA256, salt = 32) and ES256.
enum class Scheme { kRsaPkcs1Sha256, kRsaPssSha256, kEcdsaP256Sha256 };

// Public keys from big-endian byte strings (the decoded JWK members).
Result<Key> RsaPublicKey(std::string_view modulus, std::string_view exponent);
Result<Key> EcP256PublicKey(std::string_view x, std::string_view y);

using Sha256Digest = std::array<uint8_t, 32>;

// True when `signature` (JWS form: raw r||s of 64 bytes for ECDSA) is valid for `data`.
bool Verify(Scheme scheme, const Key& key, std::string_view data, std::string_view signature);
// The same when the caller already holds SHA-256(data) (every scheme here hashes with SHA-256).
bool VerifyDigest(Scheme scheme, const Key& key, const Sha256Digest& data_sha256,
                  std::string_view signature);

// A JWS-form signature of `data` with a private key.
Result<std::string> Sign(Scheme scheme, const Key& private_key, std::string_view data);

Result<Key> GenerateRsaKey(int bits);
Result<Key> GenerateEcP256Key();
Result<std::string> PrivateKeyToPem(const Key& key);
Result<Key> PrivateKeyFromPem(std::string_view pem);

// The big-endian modulus and exponent of an RSA key (for writing a JWK).
struct RsaComponents {
  std::string modulus;
  std::string exponent;
};
Result<RsaComponents> RsaPublicComponents(const Key& key);

// The affine coordinates (32 bytes each) of a P-256 key.
struct EcComponents {
  std::string x;
  std::string y;
};
Result<EcComponents> EcPublicComponents(const Key& key);

Sha256Digest Sha256(std::string_view data);

// SHA-256 of `data` and of its first `prefix_size` bytes in one pass over the data: the prefix's
// state is copied before the rest goes in. prefix_size > data.size() counts as data.size().
struct PrefixAndWholeSha256 {
  Sha256Digest prefix;
  Sha256Digest whole;
};
PrefixAndWholeSha256 Sha256OfPrefixAndWhole(std::string_view data, size_t prefix_size);

// n bytes from OpenSSL's CSPRNG.
std::string RandomBytes(size_t n);

}  // namespace noisett::auth::crypto
