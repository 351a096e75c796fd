// Forged and mangled tokens, each a real attempt made with jose: algorithm confusion (HS256 keyed
// with the RSA public key), alg none with and without a signature, a payload changed after
// signing, a key of the wrong type for the header's alg, PS256/ES256 outside the allow-list,
// unknown and missing kids, and form errors (alphabet, size, JSON).
#include <gtest/gtest.h>

#include <chrono>

#include "auth/e2e_fixture.h"
#include "auth/jws.h"

namespace noisett::auth::e2e {
namespace {

using AttacksE2eTest = AuthE2eTest;

struct Forgery {
  const char* token;
  std::string_view reason;
};

// Names the token in test output instead of dumping the struct's bytes.
void PrintTo(const Forgery& p, std::ostream* os) { *os << p.token << " -> " << p.reason; }

class ForgeryTest : public AuthE2eTest, public ::testing::WithParamInterface<Forgery> {};

// Refused with the default allow-list (RS256) and with every algorithm allowed: none of these
// may ever depend on the operator's choice of algorithms.
TEST_P(ForgeryTest, RefusedWithTheStableReason) {
  const std::string& token = Token(GetParam().token);
  for (const std::vector<Alg>& algs :
       {std::vector<Alg>{Alg::kRS256}, std::vector<Alg>{Alg::kRS256, Alg::kPS256, Alg::kES256}}) {
    AuthConfig config = EntraConfig(server_.Url("/keys"));
    config.algs = algs;
    auto validator = MakeEntraValidator(config);
    ASSERT_NE(validator, nullptr);
    EXPECT_TRUE(IsRefusal(validator->Validate(token), GetParam().reason, token))
        << "with " << algs.size() << " algorithms allowed";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Attacks, ForgeryTest,
    ::testing::Values(
        // HS256 with the RSA key's SPKI PEM as the HMAC secret: alg comes from the server only.
        Forgery{"hs256_public_key", reason::kAlgNotAllowed},
        Forgery{"none_unsigned", reason::kAlgNotAllowed},
        Forgery{"none_with_signature", reason::kAlgNotAllowed},
        // oid and roles replaced after signing.
        Forgery{"tampered", reason::kBadSignature},
        Forgery{"signed_by_other_key", reason::kBadSignature},
        // kid of the EC key, RS256 signature by an RSA key; and the reverse.
        Forgery{"ec_kid_rs256", reason::kAlgNotAllowed},
        Forgery{"rsa_kid_es256", reason::kAlgNotAllowed},
        // The JWK of rsa-1 pins RS256.
        Forgery{"ps256_on_rs256_key", reason::kAlgNotAllowed},
        Forgery{"unknown_kid", reason::kUnknownKid}, Forgery{"no_kid", reason::kUnknownKid},
        Forgery{"crit_header", reason::kMalformed}, Forgery{"kid_number", reason::kMalformed},
        Forgery{"plus_in_payload", reason::kMalformed},
        Forgery{"slash_in_payload", reason::kMalformed},
        Forgery{"equals_in_payload", reason::kMalformed},
        Forgery{"space_in_payload", reason::kMalformed},
        Forgery{"star_in_header", reason::kMalformed},
        Forgery{"plus_in_signature", reason::kMalformed},
        Forgery{"over_size_limit", reason::kMalformed},
        Forgery{"payload_not_json", reason::kMalformed},
        Forgery{"payload_array", reason::kMalformed}),
    [](const auto& test) { return std::string(test.param.token); });

TEST_F(AttacksE2eTest, TamperedTokenDoesNotLeakTheForgedIdentity) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  auto result = validator->Validate(Token("tampered"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message.find("victim"), std::string::npos) << result.error().message;
}

TEST_F(AttacksE2eTest, Ps256AndEs256RefusedByDefault) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2_ps256")), reason::kAlgNotAllowed));
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2_es256")), reason::kAlgNotAllowed));
}

TEST_F(AttacksE2eTest, Ps256AcceptedWhenAllowed) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.algs = {Alg::kRS256, Alg::kPS256};
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  auto user = validator->Validate(Token("v2_ps256"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2_es256")), reason::kAlgNotAllowed));
}

TEST_F(AttacksE2eTest, Es256AcceptedWhenAllowed) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.algs = {Alg::kES256};
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  auto user = validator->Validate(Token("v2_es256"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  // RS256 was left out of this allow-list.
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2")), reason::kAlgNotAllowed));
}

TEST_F(AttacksE2eTest, OneMebibyteTokenRefusedQuicklyAsMalformed) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const std::string& token = Token("one_mib");
  ASSERT_GE(token.size(), (1u << 20) - 2);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(IsRefusal(validator->Validate(token), reason::kMalformed, token));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // A size check, not a parse: 20 refusals of 1 MiB in well under a second even under ASan
  // (base64-decoding and parsing it would take milliseconds each).
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 500);
  EXPECT_EQ(server_.Hits("/keys"), 1) << "a malformed token must never trigger a JWKS fetch";
}

TEST_F(AttacksE2eTest, TokenAtTheSizeLimitIsStillAccepted) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  ASSERT_LE(Token("at_size_limit").size(), kMaxTokenBytes);
  ASSERT_GT(Token("over_size_limit").size(), kMaxTokenBytes);
  auto user = validator->Validate(Token("at_size_limit"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
}

TEST_F(AttacksE2eTest, GarbageShapesAreMalformed) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const std::string& v2 = Token("v2");
  const std::string header_part = v2.substr(0, v2.find('.'));
  const std::string without_header = v2.substr(header_part.size());  // ".payload.signature"
  const std::vector<std::string> garbage = {
      "x", "a.b", "..", "a.b.c.d", v2 + ".", v2.substr(0, v2.rfind('.')), without_header,
      v2 + "\n", " " + v2, "Bearer " + v2,
      // A non-ASCII character in the header.
      v2.substr(0, 10) + "\xc3\xa9" + v2.substr(12)};
  for (const std::string& token : garbage) {
    EXPECT_TRUE(IsRefusal(validator->Validate(token), reason::kMalformed, v2))
        << "token of " << token.size() << " bytes";
  }
  EXPECT_EQ(server_.Hits("/keys"), 1);
}

TEST_F(AttacksE2eTest, NoForgeryIsEverCachedAsValid) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  // Valid first, then the forgeries built from it: a cache keyed carelessly (on the header and
  // payload only, say) would let these through.
  ASSERT_TRUE(validator->Validate(Token("v2")).has_value());
  for (const char* name : {"none_with_signature", "tampered", "signed_by_other_key",
                           "plus_in_signature", "hs256_public_key"}) {
    EXPECT_FALSE(validator->Validate(Token(name)).has_value()) << name;
  }
}

}  // namespace
}  // namespace noisett::auth::e2e
