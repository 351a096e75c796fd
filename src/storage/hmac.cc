// OpenSSL 3 behind three small functions. Handles live in unique_ptrs with their free functions the
// moment they exist, so no early return leaks; errors say what failed, never which key or data.
#include "storage/hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>
#include <vector>

#include "crypto/openssl_error.h"

namespace noisett::storage::crypto {
namespace {

struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

// OpenSSL itself failed (allocation, an unseeded CSPRNG): kInternal, saying which step.
Error CryptoFailure(std::string_view what) {
  return noisett::crypto::OpenSslError(ErrorCode::kInternal, "crypto_failure",
                                       "OpenSSL failed: " + std::string(what));
}

// Fetched once: an implicit fetch by name on every call costs a lock and a lookup. EVP_MAC objects
// are immutable and shareable between threads; this one lives until exit on purpose.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

namespace {

// A context keyed once and re-initialised per call: OpenSSL 3 looks the digest up by name and
// re-derives the key pads on every keyed init (~6 us of a ~10 us link check); re-init with a NULL
// key only resets to the saved pads. Contexts are not shareable, so each thread keeps a few (one
// per link key in use: rotation means two or three).
struct KeyedMac {
  std::string key;
  MacCtxPtr ctx;
  KeyedMac() = default;
  KeyedMac(KeyedMac&&) = default;
  KeyedMac& operator=(KeyedMac&&) = default;
  ~KeyedMac() { OPENSSL_cleanse(key.data(), key.size()); }
};

constexpr size_t kKeyedMacsPerThread = 4;

Result<EVP_MAC_CTX*> NewKeyedContext(std::string_view key, MacCtxPtr* out) {
  EVP_MAC* mac = HmacAlgorithm();
  if (mac == nullptr) return Unexpected(CryptoFailure("fetching HMAC"));
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return Unexpected(CryptoFailure("allocating an HMAC context"));
  char digest_name[] = "SHA256";  // OSSL_PARAM wants a mutable pointer it never writes through
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty[1] = {0};
  const unsigned char* key_bytes = key.empty() ? kEmpty : Bytes(key);
  if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params) != 1) {
    return Unexpected(CryptoFailure("keying HMAC-SHA256"));
  }
  *out = std::move(ctx);
  return out->get();
}

// This thread's context for `key`, ready for update: reused when cached, else made (evicting the
// oldest when the thread already holds kKeyedMacsPerThread).
Result<EVP_MAC_CTX*> KeyedContext(std::string_view key) {
  thread_local std::vector<KeyedMac> cache;
  for (KeyedMac& entry : cache) {
    if (entry.key.size() == key.size() && CRYPTO_memcmp(entry.key.data(), key.data(), key.size()) == 0) {
      if (EVP_MAC_init(entry.ctx.get(), nullptr, 0, nullptr) != 1) {
        return Unexpected(CryptoFailure("re-initialising HMAC-SHA256"));
      }
      return entry.ctx.get();
    }
  }
  KeyedMac fresh;
  auto made = NewKeyedContext(key, &fresh.ctx);
  if (!made) return made;
  fresh.key.assign(key);
  if (cache.size() == kKeyedMacsPerThread) cache.erase(cache.begin());
  cache.push_back(std::move(fresh));
  return cache.back().ctx.get();
}

}  // namespace

Result<Sha256Mac> HmacSha256Array(std::string_view key, std::string_view data) {
  auto ctx = KeyedContext(key);
  if (!ctx) return Unexpected(ctx.error());
  Sha256Mac out{};
  size_t out_len = 0;
  if (EVP_MAC_update(*ctx, Bytes(data), data.size()) != 1 ||
      EVP_MAC_final(*ctx, out.data(), &out_len, out.size()) != 1 || out_len != kHmacSha256Bytes) {
    return Unexpected(CryptoFailure("computing HMAC-SHA256"));
  }
  return out;
}

Result<std::string> HmacSha256(std::string_view key, std::string_view data) {
  auto mac = HmacSha256Array(key, data);
  if (!mac) return Unexpected(mac.error());
  return std::string(reinterpret_cast<const char*>(mac->data()), mac->size());
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n == 0) return out;
  if (n > static_cast<size_t>(INT_MAX) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Unexpected(CryptoFailure("drawing random bytes"));
  }
  return out;
}

}  // namespace noisett::storage::crypto
