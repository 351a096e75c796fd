// The OpenSSL adapter: signatures that verify, any changed bit that does not, JWS signature form
// for ECDSA, keys from components, PEM and SHA-256.
#include "auth/crypto.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "auth/unit/test_tokens.h"

namespace noisett::auth::crypto {
namespace {

using unit::Keys;

constexpr std::string_view kData = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";

std::string MustSign(Scheme scheme, const Key& key, std::string_view data) {
  auto signature = Sign(scheme, key, data);
  EXPECT_TRUE(signature) << signature.error().ToString();
  return signature ? *signature : std::string();
}

std::string FlipBit(std::string bytes, size_t index, int bit) {
  bytes[index] = static_cast<char>(bytes[index] ^ (1 << bit));
  return bytes;
}

struct SchemeCase {
  Scheme scheme;
  const Key& (*key)();
  size_t signature_size;
};

const Key& RsaKey() { return Keys().rsa; }
const Key& EcKey() { return Keys().ec; }

class VerifyTest : public ::testing::TestWithParam<SchemeCase> {};

TEST_P(VerifyTest, GoodSignatureVerifies) {
  const auto& c = GetParam();
  const std::string signature = MustSign(c.scheme, c.key(), kData);
  EXPECT_EQ(signature.size(), c.signature_size);
  EXPECT_TRUE(Verify(c.scheme, c.key(), kData, signature));
}

TEST_P(VerifyTest, AnyFlippedBitFails) {
  const auto& c = GetParam();
  const std::string signature = MustSign(c.scheme, c.key(), kData);
  const std::string data(kData);
  for (size_t i : {size_t{0}, data.size() / 2, data.size() - 1}) {
    EXPECT_FALSE(Verify(c.scheme, c.key(), FlipBit(data, i, 0), signature)) << "data byte " << i;
  }
  for (size_t i : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
    for (int bit : {0, 7}) {
      EXPECT_FALSE(Verify(c.scheme, c.key(), data, FlipBit(signature, i, bit)))
          << "signature byte " << i << " bit " << bit;
    }
  }
}

TEST_P(VerifyTest, TruncatedExtendedOrEmptySignatureFails) {
  const auto& c = GetParam();
  const std::string signature = MustSign(c.scheme, c.key(), kData);
  EXPECT_FALSE(Verify(c.scheme, c.key(), kData, signature.substr(0, signature.size() - 1)));
  EXPECT_FALSE(Verify(c.scheme, c.key(), kData, signature + '\0'));
  EXPECT_FALSE(Verify(c.scheme, c.key(), kData, ""));
  EXPECT_FALSE(Verify(c.scheme, c.key(), kData, std::string(c.signature_size, '\0')));
}

TEST_P(VerifyTest, InvalidKeyNeverVerifies) {
  const auto& c = GetParam();
  const std::string signature = MustSign(c.scheme, c.key(), kData);
  EXPECT_FALSE(Verify(c.scheme, Key(), kData, signature));
}

INSTANTIATE_TEST_SUITE_P(Schemes, VerifyTest,
                         ::testing::Values(SchemeCase{Scheme::kRsaPkcs1Sha256, &RsaKey, 256},
                                           SchemeCase{Scheme::kRsaPssSha256, &RsaKey, 256},
                                           SchemeCase{Scheme::kEcdsaP256Sha256, &EcKey, 64}),
                         [](const auto& param_info) {
                           switch (param_info.param.scheme) {
                             case Scheme::kRsaPkcs1Sha256: return std::string("RS256");
                             case Scheme::kRsaPssSha256: return std::string("PS256");
                             case Scheme::kEcdsaP256Sha256: return std::string("ES256");
                           }
                           return std::string("unknown");
                         });

TEST(CryptoTest, OtherKeyDoesNotVerify) {
  const std::string signature = MustSign(Scheme::kRsaPkcs1Sha256, Keys().rsa_other, kData);
  EXPECT_FALSE(Verify(Scheme::kRsaPkcs1Sha256, Keys().rsa, kData, signature));
}

TEST(CryptoTest, SchemesDoNotCrossVerify) {
  const std::string pkcs1 = MustSign(Scheme::kRsaPkcs1Sha256, Keys().rsa, kData);
  const std::string pss = MustSign(Scheme::kRsaPssSha256, Keys().rsa, kData);
  EXPECT_FALSE(Verify(Scheme::kRsaPssSha256, Keys().rsa, kData, pkcs1));
  EXPECT_FALSE(Verify(Scheme::kRsaPkcs1Sha256, Keys().rsa, kData, pss));
  // Key type and scheme disagree: refused, not crashed.
  EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, Keys().rsa, kData, pkcs1));
  const std::string es = MustSign(Scheme::kEcdsaP256Sha256, Keys().ec, kData);
  EXPECT_FALSE(Verify(Scheme::kRsaPkcs1Sha256, Keys().ec, kData, es));
  EXPECT_FALSE(Verify(Scheme::kRsaPkcs1Sha256, Keys().ec, kData, pkcs1));
}

TEST(CryptoTest, PssSignaturesAreRandomisedButBothVerify) {
  const std::string a = MustSign(Scheme::kRsaPssSha256, Keys().rsa, kData);
  const std::string b = MustSign(Scheme::kRsaPssSha256, Keys().rsa, kData);
  EXPECT_NE(a, b);  // salt of 32 random bytes
  EXPECT_TRUE(Verify(Scheme::kRsaPssSha256, Keys().rsa, kData, a));
  EXPECT_TRUE(Verify(Scheme::kRsaPssSha256, Keys().rsa, kData, b));
}

TEST(CryptoTest, EcdsaSignatureMustBeExactly64Bytes) {
  const std::string signature = MustSign(Scheme::kEcdsaP256Sha256, Keys().ec, kData);
  ASSERT_EQ(signature.size(), 64u);
  EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, Keys().ec, kData, signature.substr(0, 63)));
  EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, Keys().ec, kData, signature.substr(1)));
  EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, Keys().ec, kData, signature + '\0'));
  EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, Keys().ec, kData, '\0' + signature));
}

// DER INTEGER of a big-endian unsigned value.
std::string DerInteger(std::string_view value) {
  while (value.size() > 1 && value.front() == '\0') value.remove_prefix(1);
  std::string body(value);
  if (static_cast<unsigned char>(body.front()) & 0x80) body.insert(body.begin(), '\0');
  return std::string{'\x02', static_cast<char>(body.size())} + body;
}

TEST(CryptoTest, EcdsaSignatureInDerFormIsRefused) {
  // OpenSSL's native ECDSA form is DER; JWS (RFC 7518 §3.4) is raw r||s. Accepting both would
  // give one token two valid spellings.
  const std::string raw = MustSign(Scheme::kEcdsaP256Sha256, Keys().ec, kData);
  ASSERT_EQ(raw.size(), 64u);
  const std::string integers = DerInteger(raw.substr(0, 32)) + DerInteger(raw.substr(32));
  const std::string der = std::string{'\x30', static_cast<char>(integers.size())} + integers;
  EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, Keys().ec, kData, der));
}

TEST(CryptoTest, GeneratedKeysHaveTheRightKindAndSize) {
  const auto rsa = GenerateRsaKey(2048);
  ASSERT_TRUE(rsa) << rsa.error().ToString();
  EXPECT_TRUE(rsa->valid());
  EXPECT_EQ(rsa->kind(), KeyKind::kRsa);
  EXPECT_EQ(rsa->bits(), 2048);
  const auto ec = GenerateEcP256Key();
  ASSERT_TRUE(ec) << ec.error().ToString();
  EXPECT_EQ(ec->kind(), KeyKind::kEcP256);
  EXPECT_EQ(ec->bits(), 256);
  // A generated key signs what it verifies.
  EXPECT_TRUE(Verify(Scheme::kRsaPssSha256, *rsa, kData, MustSign(Scheme::kRsaPssSha256, *rsa, kData)));
  EXPECT_FALSE(Key().valid());
}

TEST(CryptoTest, FixtureKeysLoadFromPem) {
  EXPECT_EQ(Keys().rsa.kind(), KeyKind::kRsa);
  EXPECT_EQ(Keys().rsa.bits(), 2048);
  EXPECT_EQ(Keys().rsa_other.bits(), 2048);
  EXPECT_EQ(Keys().ec.kind(), KeyKind::kEcP256);
}

TEST(CryptoTest, PublicKeyFromRsaComponentsVerifies) {
  const auto components = RsaPublicComponents(Keys().rsa);
  ASSERT_TRUE(components) << components.error().ToString();
  EXPECT_EQ(components->modulus.size(), 256u);
  EXPECT_EQ(components->exponent, std::string("\x01\x00\x01", 3));
  const auto key = RsaPublicKey(components->modulus, components->exponent);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->kind(), KeyKind::kRsa);
  const std::string signature = MustSign(Scheme::kRsaPkcs1Sha256, Keys().rsa, kData);
  EXPECT_TRUE(Verify(Scheme::kRsaPkcs1Sha256, *key, kData, signature));
  // A public key cannot sign.
  EXPECT_FALSE(Sign(Scheme::kRsaPkcs1Sha256, *key, kData));
}

TEST(CryptoTest, PublicKeyFromEcComponentsVerifies) {
  const auto components = EcPublicComponents(Keys().ec);
  ASSERT_TRUE(components) << components.error().ToString();
  EXPECT_EQ(components->x.size(), 32u);
  EXPECT_EQ(components->y.size(), 32u);
  const auto key = EcP256PublicKey(components->x, components->y);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->kind(), KeyKind::kEcP256);
  const std::string signature = MustSign(Scheme::kEcdsaP256Sha256, Keys().ec, kData);
  EXPECT_TRUE(Verify(Scheme::kEcdsaP256Sha256, *key, kData, signature));
}

TEST(CryptoTest, ComponentsOfTheWrongKeyTypeAreErrors) {
  EXPECT_FALSE(RsaPublicComponents(Keys().ec));
  EXPECT_FALSE(EcPublicComponents(Keys().rsa));
  EXPECT_FALSE(RsaPublicComponents(Key()));
}

TEST(CryptoTest, BadComponentsAreErrors) {
  EXPECT_FALSE(RsaPublicKey("", "\x01\x00\x01"));
  EXPECT_FALSE(EcP256PublicKey(std::string(32, '\0'), std::string(32, '\0')));  // not on curve
  EXPECT_FALSE(EcP256PublicKey(std::string(31, '\x01'), std::string(32, '\x01')));
  EXPECT_FALSE(EcP256PublicKey("", ""));
}

TEST(CryptoTest, VerifyNeverConfusesKeysAcrossManyKeysAndFreshKeys) {
  // Verify keeps per-thread contexts keyed by the key object; more keys than slots, and keys
  // freed and replaced by new ones (possibly at the same address), must never be confused.
  std::vector<Key> keys;
  std::vector<std::string> signatures;
  for (int i = 0; i < 6; ++i) {
    auto key = GenerateEcP256Key();
    ASSERT_TRUE(key) << key.error().ToString();
    keys.push_back(*key);
    signatures.push_back(MustSign(Scheme::kEcdsaP256Sha256, keys.back(), kData));
  }
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_TRUE(Verify(Scheme::kEcdsaP256Sha256, keys[i], kData, signatures[i])) << i;
      EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, keys[(i + 1) % keys.size()], kData,
                          signatures[i]))
          << i;
    }
  }
  std::string previous_signature;
  for (int i = 0; i < 40; ++i) {
    auto key = GenerateEcP256Key();  // the previous one was freed at the end of the last turn
    ASSERT_TRUE(key) << key.error().ToString();
    const std::string signature = MustSign(Scheme::kEcdsaP256Sha256, *key, kData);
    EXPECT_TRUE(Verify(Scheme::kEcdsaP256Sha256, *key, kData, signature)) << i;
    if (!previous_signature.empty()) {
      EXPECT_FALSE(Verify(Scheme::kEcdsaP256Sha256, *key, kData, previous_signature)) << i;
    }
    previous_signature = signature;
  }
}

TEST(CryptoTest, ConcurrentVerifyIsConsistent) {
  const std::string rs = MustSign(Scheme::kRsaPkcs1Sha256, Keys().rsa, kData);
  const std::string ps = MustSign(Scheme::kRsaPssSha256, Keys().rsa, kData);
  const std::string es = MustSign(Scheme::kEcdsaP256Sha256, Keys().ec, kData);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        const bool flip = (i + t) % 3 == 0;
        const auto check = [&](Scheme scheme, const Key& key, const std::string& signature,
                               bool right_key) {
          const std::string sig = flip ? FlipBit(signature, 5, 1) : signature;
          if (Verify(scheme, key, kData, sig) != (right_key && !flip)) ++wrong;
        };
        check(Scheme::kRsaPkcs1Sha256, Keys().rsa, rs, true);
        check(Scheme::kRsaPssSha256, Keys().rsa, ps, true);
        check(Scheme::kEcdsaP256Sha256, Keys().ec, es, true);
        check(Scheme::kRsaPkcs1Sha256, Keys().rsa_other, rs, false);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(CryptoTest, PemRoundTripKeepsTheKey) {
  for (const Key* key : {&Keys().rsa, &Keys().ec}) {
    const auto pem = PrivateKeyToPem(*key);
    ASSERT_TRUE(pem) << pem.error().ToString();
    EXPECT_NE(pem->find("-----BEGIN"), std::string::npos);
    EXPECT_NE(pem->find("PRIVATE KEY-----"), std::string::npos);
    const auto restored = PrivateKeyFromPem(*pem);
    ASSERT_TRUE(restored) << restored.error().ToString();
    EXPECT_EQ(restored->kind(), key->kind());
    EXPECT_EQ(restored->bits(), key->bits());
    // The restored key signs what the original verifies.
    const Scheme scheme =
        key->kind() == KeyKind::kRsa ? Scheme::kRsaPkcs1Sha256 : Scheme::kEcdsaP256Sha256;
    EXPECT_TRUE(Verify(scheme, *key, kData, MustSign(scheme, *restored, kData)));
  }
}

TEST(CryptoTest, GarbagePemIsAnError) {
  EXPECT_FALSE(PrivateKeyFromPem(""));
  EXPECT_FALSE(PrivateKeyFromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  EXPECT_FALSE(PrivateKeyFromPem("not a pem"));
}

std::string Hex(const std::array<uint8_t, 32>& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

TEST(CryptoTest, Sha256KnownAnswers) {
  // FIPS 180-2 examples.
  EXPECT_EQ(Hex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, PrefixAndWholeSha256AreTheTwoPlainDigests) {
  const std::string data = std::string(kData) + ".c2lnbmF0dXJl";
  for (size_t prefix : {size_t{0}, size_t{1}, kData.size(), data.size() - 1, data.size()}) {
    const auto both = Sha256OfPrefixAndWhole(data, prefix);
    EXPECT_EQ(both.prefix, Sha256(data.substr(0, prefix))) << prefix;
    EXPECT_EQ(both.whole, Sha256(data)) << prefix;
  }
  // A prefix longer than the data is the whole data.
  const auto clamped = Sha256OfPrefixAndWhole("abc", 10);
  EXPECT_EQ(Hex(clamped.prefix), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(clamped.whole, clamped.prefix);
}

TEST(CryptoTest, VerifyDigestAgreesWithVerify) {
  for (const SchemeCase& c : {SchemeCase{Scheme::kRsaPkcs1Sha256, RsaKey, 256},
                              SchemeCase{Scheme::kRsaPssSha256, RsaKey, 256},
                              SchemeCase{Scheme::kEcdsaP256Sha256, EcKey, 64}}) {
    const std::string signature = MustSign(c.scheme, c.key(), kData);
    EXPECT_TRUE(VerifyDigest(c.scheme, c.key(), Sha256(kData), signature));
    // The digest of other data, or a changed signature, does not verify.
    EXPECT_FALSE(VerifyDigest(c.scheme, c.key(), Sha256(FlipBit(std::string(kData), 3, 0)),
                              signature));
    EXPECT_FALSE(VerifyDigest(c.scheme, c.key(), Sha256(kData), FlipBit(signature, 10, 2)));
    EXPECT_FALSE(VerifyDigest(c.scheme, Keys().rsa_other, Sha256(kData), signature));
  }
}

}  // namespace
}  // namespace noisett::auth::crypto
