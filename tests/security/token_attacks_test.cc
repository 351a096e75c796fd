// Forged tokens against a real `noisett serve --auth required` (Entra-shaped settings, keys from a
// loopback JWKS), minted by npm `jose` with the real clock: the validator's own suites
// (tests/auth/attacks_e2e_test.cc, validator_e2e_test.cc, jwks_rotation_test.cc) prove each
// refusal in process; this proves the server answers every one with 401, the stable reason as the
// JSON error code and in the RFC 6750 challenge, serves nothing, and that a flood of made-up kids
// costs at most one JWKS refetch.
#include <ctime>
#include <memory>

#include "auth/jose_tokens.h"
#include "service/e2e_fixture.h"
#include "support/loopback_http_server.h"

namespace noisett::service_e2e {
namespace {

namespace jose = noisett::auth::e2e;

constexpr int kUnknownKids = 40;

// Entra v2 claims valid right now (jose_tokens' V2Claims stand at a fixed future instant).
Json ClaimsNow(const Json& changes = Json::object()) {
  const int64_t now = std::time(nullptr);
  Json claims =
      jose::With(jose::V2Claims(), {{"iat", now - 300}, {"nbf", now - 300}, {"exp", now + 3600}});
  return jose::With(claims, changes);
}

Json MintRequest() {
  const int64_t now = std::time(nullptr);
  Json tokens = Json::array({
      jose::TokenSpec("valid", "rsa-1", "RS256", ClaimsNow()),
      jose::TokenSpec("expired", "rsa-1", "RS256",
                      ClaimsNow({{"iat", now - 7200}, {"nbf", now - 7200}, {"exp", now - 3600}})),
      jose::TokenSpec("wrong_audience", "rsa-1", "RS256",
                      ClaimsNow({{"aud", "00000000-1111-2222-3333-444444444444"}})),
      jose::TokenSpec("wrong_issuer", "rsa-1", "RS256",
                      ClaimsNow({{"iss", jose::V2Issuer(jose::kOtherTenant)}})),
      jose::TokenSpec("wrong_tenant", "rsa-1", "RS256", ClaimsNow({{"tid", jose::kOtherTenant}})),
      // rsa-2 signs with rsa-1's kid: a key the server does not trust.
      Json{{"name", "other_key"},
           {"kid", "rsa-1"},
           {"sign_with", "rsa-2"},
           {"alg", "RS256"},
           {"claims", ClaimsNow()}},
  });
  // Honestly signed but between the token limit (8 KiB) and the request head limit (16 KiB).
  Json padded = jose::TokenSpec("padded_12k", "rsa-1", "RS256", ClaimsNow());
  padded["attack"] = "pad_to_size";
  padded["size"] = 12 * 1024;
  tokens.push_back(padded);
  for (const char* attack : {"hs256_public_key", "none_unsigned", "none_with_signature"}) {
    Json spec = jose::TokenSpec(attack, "rsa-1", "RS256", ClaimsNow());
    spec["attack"] = attack;
    tokens.push_back(spec);
  }
  Json tampered = jose::TokenSpec("tampered", "rsa-1", "RS256", ClaimsNow());
  tampered["attack"] = "tamper_payload";
  tampered["tamper"] = {{"oid", "victim"}, {"roles", {"Noisett.Admin"}}};
  tokens.push_back(tampered);
  for (int i = 0; i < kUnknownKids; ++i) {
    Json spec = jose::TokenSpec("ghost_" + std::to_string(i), "ghost-" + std::to_string(i), "RS256",
                                ClaimsNow());
    spec["sign_with"] = "rsa-1";
    tokens.push_back(spec);
  }
  return {{"keys", Json::array({{{"kid", "rsa-1"}, {"kty", "RSA"}, {"alg", "RS256"}},
                                {{"kid", "rsa-2"}, {"kty", "RSA"}, {"alg", "RS256"}}})},
          {"tokens", tokens}};
}

// An E2eTest for its helpers only: it starts its own server (E2eTest's is the dev-auth one).
class TokenAttackTest : public E2eTest {
 public:
  static void SetUpTestSuite() {
    jwks_ = std::make_unique<noisett::testing::LoopbackHttpServer>();
    noisett_ = std::make_unique<Noisett>();
    tokens_ = std::make_unique<jose::MintedTokens>();
    if (!jose::MintWithJose(MintRequest(), *tokens_, error_, /*keep=*/false)) return;
    jwks_->SetBody("/keys", tokens_->JwksOf({"rsa-1"}));  // rsa-2 stays unknown to the server
    const std::vector<std::string> args = {
        "--auth",        "required",   "--tenant-id",       jose::kTenant, "--client-id",
        jose::kClientId, "--jwks-url", jwks_->Url("/keys"), "--data-dir",  noisett_->data_dir()};
    error_ = noisett_->process().Start(args, (noisett_->root() / "serve.log").string());
  }

  static void TearDownTestSuite() {
    if (noisett_ && noisett_->process().running()) {
      const std::string log = noisett_->process().Log();
      EXPECT_EQ(noisett_->Stop(), 0) << log;
    }
    noisett_.reset();
    jwks_.reset();
    tokens_.reset();
  }

 protected:
  void SetUp() override {  // not E2eTest's: no dev server, no alice or bob
    ASSERT_TRUE(error_.empty()) << error_;
    ASSERT_TRUE(noisett_->process().running());
  }

  static RawResponse History(const std::string& token) {
    RawRequest request;
    request.target = "/api/history";
    request.headers = {{"Authorization", "Bearer " + token}};
    return service_e2e::Send(noisett_->port(), request);
  }

  // 401 with `reason` as the error code and in the challenge, and nothing of the token echoed.
  static void ExpectRefused(const std::string& token, const std::string& reason) {
    const RawResponse r = History(token);
    EXPECT_EQ(r.status, 401) << reason << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), reason) << r.body;
    const std::string challenge = r.Header("www-authenticate");
    EXPECT_NE(challenge.find("error=\"invalid_token\""), std::string::npos) << challenge;
    EXPECT_NE(challenge.find(reason), std::string::npos) << challenge;
    const std::string signature = token.substr(token.rfind('.') + 1);
    if (!signature.empty()) {
      EXPECT_EQ(r.body.find(signature), std::string::npos) << "the token is echoed";
    }
    EXPECT_EQ(r.body.find("generations"), std::string::npos) << "served: " << r.body;
  }

  static const std::string& Token(const std::string& name) { return tokens_->tokens[name]; }

  static inline std::unique_ptr<noisett::testing::LoopbackHttpServer> jwks_;
  static inline std::unique_ptr<Noisett> noisett_;
  static inline std::unique_ptr<jose::MintedTokens> tokens_;
  static inline std::string error_;
};

TEST_F(TokenAttackTest, EveryForgedOrMisdirectedTokenIs401WithItsReason) {
  // Positive control: the same server, keys and claims accept the honest token.
  ASSERT_EQ(History(Token("valid")).status, 200) << noisett_->process().Log();
  const std::string& valid = Token("valid");
  const std::string unsigned_part = valid.substr(0, valid.rfind('.') + 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Token("hs256_public_key"), "alg_not_allowed"},
      {Token("none_unsigned"), "alg_not_allowed"},
      {Token("none_with_signature"), "alg_not_allowed"},
      {unsigned_part, "bad_signature"},  // the signature stripped, alg still RS256
      {unsigned_part + "AAAA", "bad_signature"},
      {Token("tampered"), "bad_signature"},
      {Token("other_key"), "bad_signature"},
      {Token("expired"), "expired"},
      {Token("wrong_audience"), "wrong_audience"},
      {Token("wrong_issuer"), "wrong_issuer"},
      {Token("wrong_tenant"), "wrong_tenant"},
  };
  for (const auto& [token, reason] : cases) {
    SCOPED_TRACE(reason);
    ExpectRefused(token, reason);
  }
  // No token at all: 401 with the bare challenge.
  RawRequest none;
  none.target = "/api/history";
  const RawResponse r = service_e2e::Send(noisett_->port(), none);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorCode(r), "missing") << r.body;
  EXPECT_EQ(r.Header("www-authenticate").rfind("Bearer realm=\"noisett\"", 0), 0u);
}

// docs/auth.md: a token over 8 KiB is 401 malformed, whatever its signature; one that makes the
// request head pass 16 KiB never reaches the token check: 431 header_too_large.
TEST_F(TokenAttackTest, OversizedTokensAreRefusedAsDocumented) {
  const std::string& padded = Token("padded_12k");
  ASSERT_GT(padded.size(), 8u * 1024);
  ASSERT_LT(padded.size(), 16u * 1024 - 1024);  // room for the rest of the head
  ExpectRefused(padded, "malformed");
  const RawResponse huge = History(std::string(17 * 1024, 'a'));
  EXPECT_EQ(huge.status, 431) << huge.body;
  EXPECT_EQ(huge.body.find("aaaaaaaa"), std::string::npos) << "the token is echoed";
}

TEST_F(TokenAttackTest, FloodOfUnknownKidsCostsAtMostOneJwksFetch) {
  ASSERT_EQ(History(Token("valid")).status, 200);
  const int before = jwks_->Hits("/keys");
  ASSERT_GE(before, 1) << "the server never read its keys";
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kUnknownKids; ++i) {
      ExpectRefused(Token("ghost_" + std::to_string(i)), "unknown_kid");
    }
  }
  EXPECT_LE(jwks_->Hits("/keys") - before, 1)
      << 3 * kUnknownKids << " tokens with made-up kids made the server fetch its keys "
      << jwks_->Hits("/keys") - before << " times";
  // The flood locked nobody out.
  EXPECT_EQ(History(Token("valid")).status, 200);
}

}  // namespace
}  // namespace noisett::service_e2e
