// OpenSSL 3 behind small functions. Every OpenSSL handle lives in a unique_ptr with its free
// function, so no early return leaks. Errors carry no OpenSSL internals beyond a short cause.
#include "auth/crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "crypto/openssl_error.h"

namespace noisett::auth::crypto {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

constexpr size_t kP256FieldBytes = 32;
constexpr int kMaxRsaBits = 8192;  // bigger moduli only make verification slow

// Every failure of this adapter is kInvalidArgument; the reason names the step that failed.
Error CryptoError(std::string reason, std::string message) {
  return noisett::crypto::OpenSslError(ErrorCode::kInvalidArgument, std::move(reason),
                                       std::move(message));
}

BnPtr ToBignum(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()),
                         nullptr));
}

// SHA-256 fetched once: implicit fetching by name on every verify costs a lock and a lookup.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

Result<Key> KeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return Unexpected(CryptoError("bad_key", std::string("not a valid ") + type + " public key"));
  }
  Key key(pkey);
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) <= 0) {
    return Unexpected(CryptoError("bad_key", std::string(type) + " public key fails its check"));
  }
  return key;
}

// JWS carries ECDSA signatures as fixed-width r||s; OpenSSL wants DER.
std::optional<std::string> RawEcdsaToDer(std::string_view raw) {
  if (raw.size() != 2 * kP256FieldBytes) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), kP256FieldBytes, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + kP256FieldBytes,
                        kP256FieldBytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> DerEcdsaToRaw(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
  if (!sig) return std::nullopt;
  std::string raw(2 * kP256FieldBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kP256FieldBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kP256FieldBytes, kP256FieldBytes) < 0) {
    return std::nullopt;
  }
  return raw;
}

bool SchemeFitsKey(Scheme scheme, const Key& key) {
  return scheme == Scheme::kEcdsaP256Sha256 ? key.kind() == KeyKind::kEcP256
                                            : key.kind() == KeyKind::kRsa;
}

// Digest-sign context with the padding the scheme needs.
MdCtxPtr NewSignCtx(Scheme scheme, const Key& key) {
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestSignInit(md.get(), &pctx, Sha256Md(), nullptr, key.get()) != 1) {
    return nullptr;
  }
  if (scheme == Scheme::kRsaPssSha256 &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, Sha256Md()) <= 0)) {
    return nullptr;
  }
  return md;
}

KeyKind KindOf(EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) return KeyKind::kRsa;
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) == 1 &&
        std::strcmp(group, "prime256v1") == 0) {
      return KeyKind::kEcP256;
    }
  }
  return KeyKind::kOther;
}

}  // namespace

Key::Key(EVP_PKEY* owned) : pkey_(owned, EVP_PKEY_free) {
  if (owned != nullptr) {
    kind_ = KindOf(owned);
    bits_ = EVP_PKEY_get_bits(owned);
  }
}

Result<Key> RsaPublicKey(std::string_view modulus, std::string_view exponent) {
  BnPtr n = ToBignum(modulus);
  BnPtr e = ToBignum(exponent);
  if (!n || !e || BN_num_bits(n.get()) > kMaxRsaBits || BN_num_bits(e.get()) > 64 ||
      !BN_is_odd(e.get()) || BN_is_one(e.get())) {
    return Unexpected(CryptoError("bad_key", "RSA modulus or exponent out of range"));
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    return Unexpected(CryptoError("bad_key", "cannot build RSA parameters"));
  }
  return KeyFromParams("RSA", bld.get());
}

Result<Key> EcP256PublicKey(std::string_view x, std::string_view y) {
  if (x.size() != kP256FieldBytes || y.size() != kP256FieldBytes) {
    return Unexpected(CryptoError("bad_key", "P-256 coordinates must be 32 bytes each"));
  }
  std::string point = "\x04";  // uncompressed SEC1 point
  point.append(x).append(y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return Unexpected(CryptoError("bad_key", "cannot build EC parameters"));
  }
  return KeyFromParams("EC", bld.get());
}

namespace {

// A verify context set up once per thread and key: creating and initialising one per call
// (EVP_DigestVerifyInit) measured ~7.5 µs, a third of the RSA-2048 operation itself. A few slots
// per thread cover an issuer's current and next key during a rotation. The context holds a
// reference to its key, so a slot can never outlive the EVP_PKEY it points at.
class VerifyContexts {
 public:
  ~VerifyContexts() {
    for (Slot& slot : slots_) EVP_PKEY_CTX_free(slot.ctx);
  }

  EVP_PKEY_CTX* For(Scheme scheme, EVP_PKEY* pkey) {
    for (Slot& slot : slots_) {
      if (slot.ctx != nullptr && slot.pkey == pkey && slot.scheme == scheme) return slot.ctx;
    }
    Slot& victim = slots_[next_++ % kSlots];
    EVP_PKEY_CTX_free(victim.ctx);
    victim = Slot{pkey, scheme, NewContext(scheme, pkey)};
    return victim.ctx;
  }

 private:
  static constexpr size_t kSlots = 4;
  struct Slot {
    EVP_PKEY* pkey = nullptr;
    Scheme scheme = Scheme::kRsaPkcs1Sha256;
    EVP_PKEY_CTX* ctx = nullptr;
  };

  static EVP_PKEY_CTX* NewContext(Scheme scheme, EVP_PKEY* pkey) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), Sha256Md()) <= 0) {
      return nullptr;
    }
    if (scheme != Scheme::kEcdsaP256Sha256 &&
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), scheme == Scheme::kRsaPssSha256
                                                    ? RSA_PKCS1_PSS_PADDING
                                                    : RSA_PKCS1_PADDING) <= 0) {
      return nullptr;
    }
    if (scheme == Scheme::kRsaPssSha256 &&
        (EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) <= 0 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), Sha256Md()) <= 0)) {
      return nullptr;
    }
    return ctx.release();
  }

  std::array<Slot, kSlots> slots_{};
  size_t next_ = 0;
};

}  // namespace

bool VerifyDigest(Scheme scheme, const Key& key, const Sha256Digest& data_sha256,
                  std::string_view signature) {
  if (!key.valid() || !SchemeFitsKey(scheme, key)) return false;
  std::string der;
  if (scheme == Scheme::kEcdsaP256Sha256) {
    auto converted = RawEcdsaToDer(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  thread_local VerifyContexts contexts;
  EVP_PKEY_CTX* ctx = contexts.For(scheme, key.get());
  const bool ok =
      ctx != nullptr &&
      EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                      signature.size(), data_sha256.data(), data_sha256.size()) == 1;
  ERR_clear_error();
  return ok;
}

bool Verify(Scheme scheme, const Key& key, std::string_view data, std::string_view signature) {
  return VerifyDigest(scheme, key, Sha256(data), signature);
}

Result<std::string> Sign(Scheme scheme, const Key& private_key, std::string_view data) {
  if (!private_key.valid() || !SchemeFitsKey(scheme, private_key)) {
    return Unexpected(CryptoError("bad_key", "key does not fit the signature scheme"));
  }
  MdCtxPtr md = NewSignCtx(scheme, private_key);
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (!md || EVP_DigestSign(md.get(), nullptr, &len, in, data.size()) != 1) {
    return Unexpected(CryptoError("sign_failed", "cannot start signing"));
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     data.size()) != 1) {
    return Unexpected(CryptoError("sign_failed", "signing failed"));
  }
  sig.resize(len);
  if (scheme != Scheme::kEcdsaP256Sha256) return sig;
  auto raw = DerEcdsaToRaw(sig);
  if (!raw) return Unexpected(CryptoError("sign_failed", "bad ECDSA signature encoding"));
  return *raw;
}

Result<Key> GenerateRsaKey(int bits) {
  EVP_PKEY* pkey = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (!pkey) return Unexpected(CryptoError("keygen_failed", "RSA key generation failed"));
  return Key(pkey);
}

Result<Key> GenerateEcP256Key() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (!pkey) return Unexpected(CryptoError("keygen_failed", "P-256 key generation failed"));
  return Key(pkey);
}

Result<std::string> PrivateKeyToPem(const Key& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!key.valid() || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Unexpected(CryptoError("pem_failed", "cannot write the private key as PEM"));
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(len));
}

Result<Key> PrivateKeyFromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!pkey) return Unexpected(CryptoError("pem_failed", "not a PEM private key"));
  return Key(pkey);
}

Result<RsaComponents> RsaPublicComponents(const Key& key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (key.kind() != KeyKind::kRsa || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    return Unexpected(CryptoError("bad_key", "not an RSA key"));
  }
  BnPtr n_owned(n), e_owned(e);
  RsaComponents out{std::string(size_t(BN_num_bytes(n)), '\0'),
                    std::string(size_t(BN_num_bytes(e)), '\0')};
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(out.modulus.data()));
  BN_bn2bin(e, reinterpret_cast<unsigned char*>(out.exponent.data()));
  return out;
}

Result<EcComponents> EcPublicComponents(const Key& key) {
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  if (key.kind() != KeyKind::kEcP256 ||
      EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
      EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1) {
    BN_free(x);
    return Unexpected(CryptoError("bad_key", "not a P-256 key"));
  }
  BnPtr x_owned(x), y_owned(y);
  EcComponents out{std::string(kP256FieldBytes, '\0'), std::string(kP256FieldBytes, '\0')};
  BN_bn2binpad(x, reinterpret_cast<unsigned char*>(out.x.data()), kP256FieldBytes);
  BN_bn2binpad(y, reinterpret_cast<unsigned char*>(out.y.data()), kP256FieldBytes);
  return out;
}

Sha256Digest Sha256(std::string_view data) {
  // EVP_Digest with the pre-fetched SHA-256: the SHA256() shortcut fetches it by name per call.
  Sha256Digest out{};
  if (EVP_Digest(data.data(), data.size(), out.data(), nullptr, Sha256Md(), nullptr) != 1) {
    // Only out of memory. An all-zero digest would make every token the same cache key (any
    // token would hit any cached user): stopping is the only safe answer, as for RandomBytes.
    std::abort();
  }
  return out;
}

PrefixAndWholeSha256 Sha256OfPrefixAndWhole(std::string_view data, size_t prefix_size) {
  prefix_size = std::min(prefix_size, data.size());
  // Two contexts per thread, made once: EVP_MD_CTX_new per call would cost an allocation each.
  thread_local MdCtxPtr prefix_ctx(EVP_MD_CTX_new());
  thread_local MdCtxPtr whole_ctx(EVP_MD_CTX_new());
  PrefixAndWholeSha256 out{};
  if (!prefix_ctx || !whole_ctx || EVP_DigestInit_ex2(prefix_ctx.get(), Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(prefix_ctx.get(), data.data(), prefix_size) != 1 ||
      EVP_MD_CTX_copy_ex(whole_ctx.get(), prefix_ctx.get()) != 1 ||
      EVP_DigestUpdate(whole_ctx.get(), data.data() + prefix_size, data.size() - prefix_size) != 1 ||
      EVP_DigestFinal_ex(whole_ctx.get(), out.whole.data(), nullptr) != 1 ||
      EVP_DigestFinal_ex(prefix_ctx.get(), out.prefix.data(), nullptr) != 1) {
    // Only out of memory; the two one-shot digests give the same answer without the contexts.
    return {Sha256(data.substr(0, prefix_size)), Sha256(data)};
  }
  return out;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), int(n)) != 1) {
    std::abort();  // no randomness means no safe tokens: stop rather than mint guessable ones
  }
  return out;
}

}  // namespace noisett::auth::crypto
