// ParseJwks: usable keys in, odd keys skipped (never fatal), broken documents refused.
#include "auth/jwks.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "auth/unit/test_tokens.h"
#include "core/base64.h"

namespace noisett::auth {
namespace {

using nlohmann::json;
using unit::EcJwk;
using unit::JwksText;
using unit::Keys;
using unit::RsaJwk;

// Every "skipped" case publishes the odd key next to a good one: the good key must survive.
KeySet ParseWithGoodKey(const json& odd_key) {
  const auto set = ParseJwks(JwksText({RsaJwk(Keys().rsa, "good"), odd_key}));
  EXPECT_TRUE(set) << set.error().ToString();
  if (!set) return {};
  EXPECT_NE(set->Find("good"), nullptr);
  return *set;
}

void ExpectSkipped(const json& odd_key, std::string_view kid) {
  const KeySet set = ParseWithGoodKey(odd_key);
  EXPECT_EQ(set.Find(kid), nullptr) << odd_key.dump();
  EXPECT_EQ(set.by_kid.size(), 1u);
  ASSERT_EQ(set.skipped.size(), 1u) << odd_key.dump();
  if (!kid.empty()) {
    EXPECT_NE(set.skipped[0].find(kid), std::string::npos) << set.skipped[0];
  }
}

TEST(JwksTest, AcceptsAnRsaKeyFoundByKid) {
  const auto set = ParseJwks(JwksText({RsaJwk(Keys().rsa, "rsa-1")}));
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_TRUE(set->skipped.empty());
  const VerifyKey* key = set->Find("rsa-1");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->kid, "rsa-1");
  EXPECT_TRUE(key->key.valid());
  EXPECT_EQ(key->key.kind(), crypto::KeyKind::kRsa);
  EXPECT_EQ(key->key.bits(), 2048);
  EXPECT_EQ(key->alg, Alg::kRS256);
  EXPECT_EQ(set->Find("rsa-2"), nullptr);
  EXPECT_EQ(set->Find(""), nullptr);
  EXPECT_EQ(set->Find("RSA-1"), nullptr);
}

TEST(JwksTest, AlgIsOptionalInTheJwk) {
  const auto set = ParseJwks(JwksText({RsaJwk(Keys().rsa, "no-alg", "")}));
  ASSERT_TRUE(set) << set.error().ToString();
  const VerifyKey* key = set->Find("no-alg");
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(key->alg.has_value());
}

TEST(JwksTest, AcceptsAnEcP256Key) {
  const auto set = ParseJwks(JwksText({EcJwk(Keys().ec, "ec-1"), RsaJwk(Keys().rsa, "rsa-1")}));
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ(set->by_kid.size(), 2u);
  const VerifyKey* key = set->Find("ec-1");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->key.kind(), crypto::KeyKind::kEcP256);
}

TEST(JwksTest, EntraStyleExtraMembersAreIgnored) {
  json jwk = RsaJwk(Keys().rsa, "entra", "");
  jwk["x5t"] = "abc";
  jwk["x5c"] = {"MIIC..."};
  jwk["issuer"] = unit::V2Issuer();
  const auto set = ParseJwks(JwksText({jwk}));
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_NE(set->Find("entra"), nullptr);
}

TEST(JwksTest, SkipsSymmetricKeys) {
  // An "oct" key in a JWKS would let anyone who reads the JWKS forge HS256 tokens.
  ExpectSkipped({{"kty", "oct"}, {"kid", "hmac"}, {"k", Base64UrlEncode("secret")}}, "hmac");
}

TEST(JwksTest, SkipsOtherCurves) {
  ExpectSkipped({{"kty", "EC"},
                 {"crv", "P-384"},
                 {"kid", "p384"},
                 {"x", Base64UrlEncode(std::string(48, 'x'))},
                 {"y", Base64UrlEncode(std::string(48, 'y'))}},
                "p384");
  ExpectSkipped({{"kty", "OKP"}, {"crv", "Ed25519"}, {"kid", "ed"}, {"x", "11qYAYKxCrfVS_7T"}},
                "ed");
}

TEST(JwksTest, SkipsEncryptionKeys) {
  json jwk = RsaJwk(Keys().rsa_other, "enc-key");
  jwk["use"] = "enc";
  ExpectSkipped(jwk, "enc-key");
}

TEST(JwksTest, SkipsKeysWithoutKid) {
  json jwk = RsaJwk(Keys().rsa_other, "x");
  jwk.erase("kid");
  ExpectSkipped(jwk, "");
  json numeric_kid = RsaJwk(Keys().rsa_other, "x");
  numeric_kid["kid"] = 5;
  ExpectSkipped(numeric_kid, "");
}

TEST(JwksTest, SkipsRsaKeysBelow2048Bits) {
  const auto weak = crypto::GenerateRsaKey(1024);
  ASSERT_TRUE(weak) << weak.error().ToString();
  ASSERT_EQ(weak->bits(), 1024);
  const KeySet set = ParseWithGoodKey(RsaJwk(*weak, "weak"));
  EXPECT_EQ(set.Find("weak"), nullptr);
  ASSERT_EQ(set.skipped.size(), 1u);
  // Skipped for its size, not for some other fault of the key.
  EXPECT_NE(set.skipped[0].find("1024"), std::string::npos) << set.skipped[0];
}

TEST(JwksTest, SkipsHugeRsaModuli) {
  // Verification cost grows with the modulus; a JWKS must not be able to make every request
  // slow. 8200 bits is over the adapter's 8192-bit ceiling.
  std::string modulus(1025, '\x5a');
  modulus.front() = '\x01';
  modulus.back() = '\x01';
  ExpectSkipped({{"kty", "RSA"},
                 {"kid", "huge"},
                 {"n", Base64UrlEncode(modulus)},
                 {"e", Base64UrlEncode("\x01\x00\x01")}},
                "huge");
}

TEST(JwksTest, SkipsKeysWhoseAlgWeCannotVerify) {
  ExpectSkipped(RsaJwk(Keys().rsa_other, "rs384", "RS384"), "rs384");
  ExpectSkipped(RsaJwk(Keys().rsa_other, "oaep", "RSA-OAEP"), "oaep");
}

TEST(JwksTest, DuplicateKidKeepsOneKeyAndSaysSo) {
  const auto set = ParseJwks(JwksText({RsaJwk(Keys().rsa, "same"), RsaJwk(Keys().rsa_other, "same")}));
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ(set->by_kid.size(), 1u);
  EXPECT_NE(set->Find("same"), nullptr);
  ASSERT_EQ(set->skipped.size(), 1u);
  EXPECT_NE(set->skipped[0].find("same"), std::string::npos) << set->skipped[0];
}

TEST(JwksTest, SkipsMalformedBase64Members) {
  json padded = RsaJwk(Keys().rsa_other, "padded-n");
  padded["n"] = padded["n"].get<std::string>() + "=";
  ExpectSkipped(padded, "padded-n");

  json plus = RsaJwk(Keys().rsa_other, "plus-n");
  std::string n = plus["n"].get<std::string>();
  n[10] = '+';
  plus["n"] = n;
  ExpectSkipped(plus, "plus-n");

  json number_e = RsaJwk(Keys().rsa_other, "number-e");
  number_e["e"] = 65537;
  ExpectSkipped(number_e, "number-e");

  json no_n = RsaJwk(Keys().rsa_other, "no-n");
  no_n.erase("n");
  ExpectSkipped(no_n, "no-n");
}

TEST(JwksTest, SkipsEcPointsNotOnTheCurve) {
  json jwk = EcJwk(Keys().ec, "off-curve");
  std::string y = *Base64UrlDecode(jwk["y"].get<std::string>());
  y.back() = static_cast<char>(y.back() ^ 0x01);
  jwk["y"] = Base64UrlEncode(y);
  ExpectSkipped(jwk, "off-curve");
}

TEST(JwksTest, SkipsEcCoordinatesOfTheWrongLength) {
  json jwk = EcJwk(Keys().ec, "short-x");
  jwk["x"] = Base64UrlEncode(std::string(31, '\x01'));
  ExpectSkipped(jwk, "short-x");
}

void ExpectBadJwks(std::string_view text) {
  const auto set = ParseJwks(text);
  ASSERT_FALSE(set) << text;
  EXPECT_EQ(set.error().code, ErrorCode::kInvalidArgument) << text;
  EXPECT_EQ(set.error().reason, "bad_jwks") << text;
}

TEST(JwksTest, RefusesDocumentsThatAreNotAKeySet) {
  ExpectBadJwks("not json");
  ExpectBadJwks("");
  ExpectBadJwks("{\"keys\":[");
  ExpectBadJwks("{}");
  ExpectBadJwks(R"({"keys":{}})");
  ExpectBadJwks(R"({"keys":"abc"})");
  ExpectBadJwks(R"([{"kty":"RSA"}])");
}

TEST(JwksTest, AnEmptyKeySetIsValid) {
  const auto set = ParseJwks(R"({"keys":[]})");
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_TRUE(set->by_kid.empty());
}

TEST(JwksTest, NonObjectEntriesAreSkipped) {
  const auto set = ParseJwks(JwksText({RsaJwk(Keys().rsa, "good"), 42, "text", nullptr}));
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_NE(set->Find("good"), nullptr);
  EXPECT_EQ(set->by_kid.size(), 1u);
}

TEST(JwksTest, KeyMatchesAlgByKeyType) {
  const auto set = ParseJwks(
      JwksText({RsaJwk(Keys().rsa, "rsa", ""), EcJwk(Keys().ec, "ec")}));
  ASSERT_TRUE(set) << set.error().ToString();
  const VerifyKey& rsa = *set->Find("rsa");
  const VerifyKey& ec = *set->Find("ec");
  EXPECT_TRUE(KeyMatchesAlg(rsa, Alg::kRS256));
  EXPECT_TRUE(KeyMatchesAlg(rsa, Alg::kPS256));
  EXPECT_FALSE(KeyMatchesAlg(rsa, Alg::kES256));
  EXPECT_TRUE(KeyMatchesAlg(ec, Alg::kES256));
  EXPECT_FALSE(KeyMatchesAlg(ec, Alg::kRS256));
  EXPECT_FALSE(KeyMatchesAlg(ec, Alg::kPS256));
}

TEST(JwksTest, KeyMatchesAlgHonoursTheJwkAlg) {
  const auto set = ParseJwks(JwksText({RsaJwk(Keys().rsa, "rs", "RS256"),
                                       RsaJwk(Keys().rsa_other, "ps", "PS256")}));
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_TRUE(KeyMatchesAlg(*set->Find("rs"), Alg::kRS256));
  EXPECT_FALSE(KeyMatchesAlg(*set->Find("rs"), Alg::kPS256));
  EXPECT_TRUE(KeyMatchesAlg(*set->Find("ps"), Alg::kPS256));
  EXPECT_FALSE(KeyMatchesAlg(*set->Find("ps"), Alg::kRS256));
}

TEST(JwksTest, RsaPublicJwkParsesBack) {
  const auto rsa = crypto::RsaPublicComponents(Keys().rsa);
  ASSERT_TRUE(rsa) << rsa.error().ToString();
  const std::string jwk = RsaPublicJwk(*rsa, "dev-kid", Alg::kRS256);
  const json parsed = json::parse(jwk);
  EXPECT_EQ(parsed["kty"], "RSA");
  EXPECT_EQ(parsed["use"], "sig");
  EXPECT_EQ(parsed["alg"], "RS256");
  EXPECT_EQ(parsed["kid"], "dev-kid");

  const auto set = ParseJwks("{\"keys\":[" + jwk + "]}");
  ASSERT_TRUE(set) << set.error().ToString();
  const VerifyKey* key = set->Find("dev-kid");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->alg, Alg::kRS256);
  EXPECT_EQ(key->key.bits(), 2048);
}

}  // namespace
}  // namespace noisett::auth
