// TokenValidator over a file JWKS and a ManualClock: the whole pipeline, the order of its checks,
// the token cache, and that no refusal or log line ever carries the token.
#include "auth/validator.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "auth/jws.h"
#include "auth/refusal.h"
#include "auth/unit/temp_jwks_file.h"
#include "auth/unit/test_tokens.h"
#include "core/base64.h"
#include "core/log.h"

namespace noisett::auth {
namespace {

using nlohmann::json;
using unit::Keys;

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kLeeway = 60;

std::string PublishedKeys() {
  return unit::JwksText({unit::RsaJwk(Keys().rsa, "rsa-1"), unit::EcJwk(Keys().ec, "ec-1"),
                         unit::RsaJwk(Keys().rsa, "rsa-ps", "PS256")});
}

ValidatorOptions Options(std::vector<Alg> algs = {Alg::kRS256, Alg::kPS256, Alg::kES256}) {
  ValidatorOptions options;
  options.algs = std::move(algs);
  options.policy.issuers = {unit::V2Issuer()};
  options.policy.audiences = {std::string(unit::kClientId)};
  options.policy.tenant_id = std::string(unit::kTenant);
  options.policy.leeway_s = kLeeway;
  return options;
}

json Claims() { return unit::V2Claims(kNow); }

std::string Es256(const json& payload, std::string_view kid = "ec-1") {
  return unit::SignToken({{"alg", "ES256"}, {"kid", kid}}, payload, crypto::Scheme::kEcdsaP256Sha256,
                         Keys().ec);
}

std::string Ps256(const json& payload, std::string_view kid = "rsa-ps") {
  return unit::SignToken({{"alg", "PS256"}, {"kid", kid}}, payload, crypto::Scheme::kRsaPssSha256,
                         Keys().rsa);
}

// The first two parts of `token` with a different signature part.
std::string Resigned(const std::string& token, std::string_view signature_part) {
  return token.substr(0, token.rfind('.') + 1) + std::string(signature_part);
}

class ValidatorTest : public ::testing::Test {
 protected:
  void ExpectRefused(const std::string& token, std::string_view why) {
    auto user = validator_->Validate(token);
    ASSERT_FALSE(user) << "accepted, expected " << why;
    EXPECT_EQ(user.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(user.error().reason, why) << user.error().ToString();
  }

  // Declared before the validator, which refers to both.
  ManualClock clock_{kNow};
  unit::TempJwksFile jwks_{PublishedKeys()};
  std::unique_ptr<TokenValidator> validator_ = unit::MakeFileValidator(jwks_, clock_, Options());
};

TEST_F(ValidatorTest, ValidRs256TokenGivesTheUser) {
  auto user = validator_->Validate(unit::SignRs256(Claims()));
  ASSERT_TRUE(user) << user.error().ToString();
  EXPECT_EQ(user->user_id, unit::kOid);
  EXPECT_EQ(user->tenant_id, unit::kTenant);
  EXPECT_EQ(user->email, "ada@contoso.example");
  EXPECT_TRUE(user->is_admin());
}

TEST_F(ValidatorTest, ValidPs256AndEs256Tokens) {
  auto ps = validator_->Validate(Ps256(Claims()));
  EXPECT_TRUE(ps) << ps.error().ToString();
  auto es = validator_->Validate(Es256(Claims()));
  EXPECT_TRUE(es) << es.error().ToString();
}

TEST_F(ValidatorTest, UncachedValidationReturnsExpiry) {
  auto claims = validator_->ValidateUncached(unit::SignRs256(Claims()));
  ASSERT_TRUE(claims) << claims.error().ToString();
  EXPECT_EQ(claims->expires_at, kNow + 3600);
}

TEST_F(ValidatorTest, AlgorithmOutsideTheAllowListIsRefused) {
  auto rs256_only = unit::MakeFileValidator(jwks_, clock_, Options({Alg::kRS256}));
  auto user = rs256_only->Validate(Es256(Claims()));
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().reason, reason::kAlgNotAllowed);
  auto ps = rs256_only->Validate(Ps256(Claims()));
  ASSERT_FALSE(ps);
  EXPECT_EQ(ps.error().reason, reason::kAlgNotAllowed);
}

TEST_F(ValidatorTest, UnsecuredAndSymmetricAlgorithmsAreRefused) {
  const std::string payload = unit::EncodeJson(Claims());
  for (const char* alg : {"none", "None", "HS256", "HS512", "RS384", "ES512", "rs256"}) {
    const std::string header = unit::EncodeJson({{"alg", alg}, {"kid", "rsa-1"}});
    ExpectRefused(header + "." + payload + ".", reason::kAlgNotAllowed);
    ExpectRefused(header + "." + payload + "." + Base64UrlEncode("forged"), reason::kAlgNotAllowed);
  }
}

TEST_F(ValidatorTest, HmacWithThePublicKeyAsSecretIsRefused) {
  // The classic key-confusion attack: an HS256 token "signed" with the server's public key.
  // HS256 is not representable, so the header can never select it.
  const std::string token = unit::SignToken({{"alg", "RS256"}, {"kid", "rsa-1"}}, Claims(),
                                            crypto::Scheme::kRsaPkcs1Sha256, Keys().rsa);
  const std::string hs_header = unit::EncodeJson({{"alg", "HS256"}, {"kid", "rsa-1"}});
  const std::string forged = hs_header + token.substr(token.find('.'));
  ExpectRefused(forged, reason::kAlgNotAllowed);
}

TEST_F(ValidatorTest, UnknownOrMissingKidIsRefused) {
  ExpectRefused(unit::SignRs256(Claims(), "no-such-kid"), reason::kUnknownKid);
  const std::string no_kid = unit::SignToken({{"alg", "RS256"}}, Claims(),
                                             crypto::Scheme::kRsaPkcs1Sha256, Keys().rsa);
  ExpectRefused(no_kid, reason::kUnknownKid);
}

TEST_F(ValidatorTest, KeyTypeMustFitTheAlgorithm) {
  // An ES256 header naming the RSA key, and an RS256 header naming the EC key.
  ExpectRefused(unit::SignToken({{"alg", "ES256"}, {"kid", "rsa-1"}}, Claims(),
                                crypto::Scheme::kEcdsaP256Sha256, Keys().ec),
                reason::kAlgNotAllowed);
  ExpectRefused(unit::SignRs256(Claims(), "ec-1"), reason::kAlgNotAllowed);
  // The JWK says PS256: an RS256 signature by the very same key is not accepted under it.
  ExpectRefused(unit::SignRs256(Claims(), "rsa-ps"), reason::kAlgNotAllowed);
}

TEST_F(ValidatorTest, BadSignaturesAreRefused) {
  // Signed by a key that is not published, under a published kid.
  ExpectRefused(unit::SignToken({{"alg", "RS256"}, {"kid", "rsa-1"}}, Claims(),
                                crypto::Scheme::kRsaPkcs1Sha256, Keys().rsa_other),
                reason::kBadSignature);
  // A good token whose payload was swapped for another user's.
  const std::string good = unit::SignRs256(Claims());
  json other = Claims();
  other["oid"] = "someone-else";
  const size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  const std::string tampered =
      good.substr(0, dot1 + 1) + unit::EncodeJson(other) + good.substr(dot2);
  ExpectRefused(tampered, reason::kBadSignature);
  // No signature at all, and a signature of zero bytes of the right length.
  ExpectRefused(Resigned(good, ""), reason::kBadSignature);
  ExpectRefused(Resigned(good, Base64UrlEncode(std::string(256, '\0'))), reason::kBadSignature);
  // A DER-encoded ES256 signature is not the JWS form.
  ExpectRefused(Resigned(Es256(Claims()), Base64UrlEncode(std::string(70, '\x30'))),
                reason::kBadSignature);
}

TEST_F(ValidatorTest, ForgedSignatureNeverHitsTheCachedToken) {
  // The good token is validated and cached; the same header and payload with any other signature
  // must miss the cache and fail verification (the cache key covers the signature too).
  const std::string good = unit::SignRs256(Claims());
  ASSERT_TRUE(validator_->Validate(good));
  const std::string signature = *Base64UrlDecode(good.substr(good.rfind('.') + 1));
  for (size_t i : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
    std::string forged = signature;
    forged[i] = char(forged[i] ^ 0x01);
    ExpectRefused(Resigned(good, Base64UrlEncode(forged)), reason::kBadSignature);
  }
  ExpectRefused(Resigned(good, ""), reason::kBadSignature);
  EXPECT_TRUE(validator_->Validate(good));  // and the good one still hits
}

TEST_F(ValidatorTest, ClaimsAreCheckedOnlyAfterTheSignature) {
  json expired = Claims();
  expired["exp"] = kNow - 3600;
  ExpectRefused(unit::SignRs256(expired), reason::kExpired);
  // The same claims under a bad signature say bad_signature: nothing is learnt from the claims
  // of a forged token.
  ExpectRefused(Resigned(unit::SignRs256(expired), Base64UrlEncode(std::string(256, 'x'))),
                reason::kBadSignature);
}

TEST_F(ValidatorTest, MalformedTokensAreRefused) {
  ExpectRefused("", reason::kMalformed);
  ExpectRefused("abc", reason::kMalformed);
  ExpectRefused("a.b", reason::kMalformed);
  ExpectRefused(std::string(kMaxTokenBytes + 1, 'a'), reason::kMalformed);
}

TEST_F(ValidatorTest, CachedTokenSurvivesKeyRemovalUntilItExpires) {
  const std::string token = unit::SignRs256(Claims());
  ASSERT_TRUE(validator_->Validate(token));

  // An empty key set is treated like a failed fetch: the keys already loaded stay.
  jwks_.Write(R"({"keys":[]})");
  EXPECT_FALSE(validator_->keys().Refresh());
  EXPECT_TRUE(validator_->ValidateUncached(token));

  // A rotation to a set without our key: the uncached path refuses, the cache still answers.
  jwks_.Write(unit::JwksText({unit::RsaJwk(Keys().rsa_other, "rsa-2")}));
  ASSERT_TRUE(validator_->keys().Refresh());
  auto uncached = validator_->ValidateUncached(token);
  ASSERT_FALSE(uncached);
  EXPECT_EQ(uncached.error().reason, reason::kUnknownKid);
  auto cached = validator_->Validate(token);
  ASSERT_TRUE(cached) << cached.error().ToString();
  EXPECT_EQ(cached->user_id, unit::kOid);
}

TEST_F(ValidatorTest, CachedTokenExpiresWithItsExpPlusLeeway) {
  json claims = Claims();
  claims["exp"] = kNow + 100;
  const std::string token = unit::SignRs256(claims);
  ASSERT_TRUE(validator_->Validate(token));
  clock_.Set(kNow + 100 + kLeeway - 1);
  EXPECT_TRUE(validator_->Validate(token));
  clock_.Set(kNow + 100 + kLeeway);
  ExpectRefused(token, reason::kExpired);
  // Going back in time after the refusal revalidates (and succeeds) rather than erroring.
  clock_.Set(kNow);
  EXPECT_TRUE(validator_->Validate(token));
}

TEST_F(ValidatorTest, NotYetValidTokenIsNotCachedAsValid) {
  json claims = Claims();
  claims["nbf"] = kNow + 600;
  const std::string token = unit::SignRs256(claims);
  ExpectRefused(token, reason::kNotYetValid);
  clock_.Set(kNow + 600);
  EXPECT_TRUE(validator_->Validate(token));
}

// Captures every log line for the lifetime of the object.
class LogCapture {
 public:
  LogCapture() {
    previous_ = SetLogSink([this](LogLevel, std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
    SetLogLevel(LogLevel::kDebug);
  }
  ~LogCapture() {
    SetLogLevel(LogLevel::kInfo);
    SetLogSink(std::move(previous_));
  }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  LogSink previous_;
};

// Each part of the token longer than a few characters, and the whole token.
std::vector<std::string> Fragments(const std::string& token) {
  std::vector<std::string> out{token};
  size_t start = 0;
  while (start <= token.size()) {
    const size_t dot = std::min(token.find('.', start), token.size());
    if (dot - start >= 8) out.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

TEST_F(ValidatorTest, RefusalsAndLogsNeverContainTheToken) {
  LogCapture logs;
  json expired = Claims();
  expired["exp"] = kNow - 3600;
  json wrong_issuer = Claims();
  wrong_issuer["iss"] = "https://evil.example/";
  const std::string good = unit::SignRs256(Claims());
  const std::vector<std::string> tokens = {
      unit::SignRs256(expired),
      unit::SignRs256(wrong_issuer),
      unit::SignRs256(Claims(), "unknown-kid-1"),
      unit::SignRs256(Claims(), "ec-1"),
      Resigned(good, Base64UrlEncode(std::string(256, 'x'))),
      good.substr(0, good.rfind('.')),  // two parts
      good + "." + good.substr(good.rfind('.') + 1),
      good.substr(0, good.size() - 1) + "!",
      unit::EncodeJson({{"alg", "none"}}) + "." + unit::EncodeJson(Claims()) + ".",
  };
  for (const std::string& token : tokens) {
    auto user = validator_->Validate(token);
    ASSERT_FALSE(user) << token;
    const std::string text = user.error().ToString() + " " + BearerChallenge(user.error());
    for (const std::string& fragment : Fragments(token)) {
      EXPECT_EQ(text.find(fragment), std::string::npos) << user.error().reason << ": " << text;
    }
  }
  for (const std::string& line : logs.lines()) {
    for (const std::string& token : tokens) {
      for (const std::string& fragment : Fragments(token)) {
        EXPECT_EQ(line.find(fragment), std::string::npos) << line;
      }
    }
  }
}

}  // namespace
}  // namespace noisett::auth
