// The validator end to end on Entra-shaped tokens minted by jose: the accepted v2 and v1 shapes
// and the User they become, one refusal per claim rule with its stable reason, the exp/nbf/iat
// boundaries with leeway on a ManualClock, and claims of the wrong JSON type.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "auth/e2e_fixture.h"

namespace noisett::auth::e2e {
namespace {

using ValidatorE2eTest = AuthE2eTest;

TEST_F(ValidatorE2eTest, EntraV2TokenBecomesTheUser) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  auto user = validator->Validate(Token("v2"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  EXPECT_EQ(user->tenant_id, kTenant);
  EXPECT_EQ(user->email, "alice@contoso.com");
  EXPECT_EQ(user->name, "Alice Example");
  EXPECT_EQ(user->roles, (std::vector<std::string>{"Noisett.Admin", "Noisett.Reader"}));
  EXPECT_EQ(user->scopes, (std::vector<std::string>{"Noisett.Use", "User.Read"}));
  EXPECT_EQ(user->token_version, "2.0");
  EXPECT_FALSE(user->anonymous);
  EXPECT_TRUE(user->is_admin());
}

TEST_F(ValidatorE2eTest, TokenWithoutRolesOrScopesIsAnOrdinaryUser) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  auto user = validator->Validate(Token("v2_no_roles_no_scp"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_TRUE(user->roles.empty());
  EXPECT_TRUE(user->scopes.empty());
  EXPECT_FALSE(user->is_admin());
}

TEST_F(ValidatorE2eTest, AudienceArrayNeedsOnlyToContainTheClientId) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  auto user = validator->Validate(Token("v2_aud_array"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
}

TEST_F(ValidatorE2eTest, V1TokenRefusedUnlessAcceptV1) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v1")), reason::kWrongIssuer, Token("v1")));
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v1_guid_aud")), reason::kWrongIssuer));
}

TEST_F(ValidatorE2eTest, V1TokenAcceptedWithAcceptV1) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.accept_v1 = true;
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  auto user = validator->Validate(Token("v1"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  EXPECT_EQ(user->tenant_id, kTenant);
  EXPECT_EQ(user->email, "bob@contoso.com");  // upn: v1 has no preferred_username
  EXPECT_EQ(user->name, "Bob Example");
  EXPECT_EQ(user->token_version, "1.0");
  // v1 tokens may carry the client id itself as the audience, too.
  EXPECT_TRUE(validator->Validate(Token("v1_guid_aud")).has_value());
  // accept_v1 widens the audiences by api://{client id} only, not to anything.
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v1_wrong_audience")), reason::kWrongAudience));
  // And v2 tokens are still accepted alongside.
  EXPECT_TRUE(validator->Validate(Token("v2")).has_value());
}

struct ClaimRefusal {
  const char* token;
  std::string_view reason;
};

// Names the token in test output instead of dumping the struct's bytes.
void PrintTo(const ClaimRefusal& p, std::ostream* os) { *os << p.token << " -> " << p.reason; }

class ClaimRefusalTest : public AuthE2eTest,
                         public ::testing::WithParamInterface<ClaimRefusal> {};

TEST_P(ClaimRefusalTest, RefusedWithTheStableReason) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.required_scope = "Noisett.Use";
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  const std::string& token = Token(GetParam().token);
  EXPECT_TRUE(IsRefusal(validator->Validate(token), GetParam().reason, token));
  // The uncached path answers the same.
  EXPECT_TRUE(IsRefusal(validator->ValidateUncached(token), GetParam().reason, token));
}

INSTANTIATE_TEST_SUITE_P(
    Claims, ClaimRefusalTest,
    ::testing::Values(ClaimRefusal{"wrong_issuer", reason::kWrongIssuer},
                      ClaimRefusal{"no_issuer", reason::kWrongIssuer},
                      ClaimRefusal{"wrong_audience", reason::kWrongAudience},
                      ClaimRefusal{"no_audience", reason::kWrongAudience},
                      ClaimRefusal{"wrong_tenant", reason::kWrongTenant},
                      ClaimRefusal{"no_tenant", reason::kWrongTenant},
                      ClaimRefusal{"no_oid", reason::kMissingOid},
                      ClaimRefusal{"oid_path", reason::kMissingOid},
                      ClaimRefusal{"scope_other", reason::kMissingScope},
                      ClaimRefusal{"v2_no_roles_no_scp", reason::kMissingScope},
                      ClaimRefusal{"no_exp", reason::kMalformed},
                      ClaimRefusal{"expired_long_ago", reason::kExpired},
                      ClaimRefusal{"nbf_future", reason::kNotYetValid},
                      ClaimRefusal{"iat_future", reason::kNotYetValid}),
    [](const auto& test) { return std::string(test.param.token); });

TEST_F(ValidatorE2eTest, RequiredScopePresentIsAccepted) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.required_scope = "Noisett.Use";
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  EXPECT_TRUE(validator->Validate(Token("v2")).has_value());
}

// Wrong JSON types are malformed, never coerced: "exp":"9999999999" must not pass for a far
// future, "roles":"admin" must not become a role.
class WrongTypeTest : public AuthE2eTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(WrongTypeTest, IsMalformed) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const std::string& token = Token(GetParam());
  EXPECT_TRUE(IsRefusal(validator->Validate(token), reason::kMalformed, token));
}

INSTANTIATE_TEST_SUITE_P(Claims, WrongTypeTest,
                         ::testing::Values("exp_string", "nbf_string", "iat_string", "iss_number",
                                           "aud_number_array", "aud_number", "oid_number",
                                           "tid_number", "roles_string", "roles_numbers",
                                           "scp_array", "name_number", "ver_number"));

// Times: v2 has exp = kNow + 3600. CheckClaims refuses when now >= exp + leeway, so the last
// accepted second is exp + leeway - 1.
TEST_F(ValidatorE2eTest, ExpiryBoundaryWithLeeway) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const int64_t exp = kNow + 3600;
  clock_.Set(exp + kLeeway - 1);
  EXPECT_TRUE(validator->Validate(Token("v2")).has_value());
  // The token is cached now; the cache must not outlive the token.
  clock_.Set(exp + kLeeway);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2")), reason::kExpired, Token("v2")));
  EXPECT_TRUE(IsRefusal(validator->ValidateUncached(Token("v2")), reason::kExpired));
  // A token never seen before, at the same instant.
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2_other_claims")), reason::kExpired));
  clock_.Set(exp + kLeeway - 1);
  EXPECT_TRUE(validator->Validate(Token("v2_other_claims")).has_value());
}

TEST_F(ValidatorE2eTest, ExpiryBoundaryFollowsConfiguredLeeway) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.leeway_s = 0;
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  const int64_t exp = kNow + 3600;
  clock_.Set(exp - 1);
  EXPECT_TRUE(validator->Validate(Token("v2")).has_value());
  clock_.Set(exp);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2")), reason::kExpired));
}

// nbf_future has nbf = kNow + 600 (iat = kNow): refused while now + leeway < nbf.
TEST_F(ValidatorE2eTest, NotBeforeBoundaryWithLeeway) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const int64_t nbf = kNow + 600;
  clock_.Set(nbf - kLeeway - 1);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("nbf_future")), reason::kNotYetValid));
  clock_.Set(nbf - kLeeway);
  EXPECT_TRUE(validator->Validate(Token("nbf_future")).has_value());
}

// iat_future has iat = kNow + 600 and no nbf: a token "issued in the future" beyond the leeway.
TEST_F(ValidatorE2eTest, IssuedAtBoundaryWithLeeway) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const int64_t iat = kNow + 600;
  clock_.Set(iat - kLeeway - 1);
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("iat_future")), reason::kNotYetValid));
  clock_.Set(iat - kLeeway);
  EXPECT_TRUE(validator->Validate(Token("iat_future")).has_value());
}

// A repeated token is answered from the token cache: it still validates after its key left the
// JWKS and the JWKS server went down, until its exp.
TEST_F(ValidatorE2eTest, RepeatedTokenIsServedFromTheCacheUntilExp) {
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-1"}));
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  ASSERT_TRUE(validator->Validate(Token("v2")).has_value());
  // Rotate rsa-1 out, load that, then take the server down.
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-2"}));
  ASSERT_TRUE(validator->keys().Refresh().has_value());
  server_.Stop();
  // The uncached path proves the key is really gone...
  EXPECT_TRUE(IsRefusal(validator->ValidateUncached(Token("v2")), reason::kUnknownKid));
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2_other_claims")), reason::kUnknownKid));
  // ...and the cached token still works, up to its last valid second.
  clock_.Set(kNow + 3600 + kLeeway - 1);
  auto user = validator->Validate(Token("v2"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  clock_.Set(kNow + 3600 + kLeeway);
  EXPECT_FALSE(validator->Validate(Token("v2")).has_value());
}

TEST_F(ValidatorE2eTest, CachedTokenCostsNoFetchAndNoSignatureCheck) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  const int hits = server_.Hits("/keys");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(validator->Validate(Token("v2")).has_value());
  EXPECT_EQ(server_.Hits("/keys"), hits);
  EXPECT_EQ(validator->keys().fetch_count(), 1u);
}

// Many threads on one validator (the server's situation): valid tokens, cached or not, always
// pass and forgeries always fail. Under ASan this also checks the caches' locking.
TEST_F(ValidatorE2eTest, ConcurrentValidationAgrees) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!validator->Validate(Token(i % 2 == 0 ? "v2" : "v2_other_claims")).has_value()) ++wrong;
        if (validator->Validate(Token("tampered")).has_value()) ++wrong;
        if (t % 2 == 0 && !validator->ValidateUncached(Token("v2")).has_value()) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(server_.Hits("/keys"), 1);
}

}  // namespace
}  // namespace noisett::auth::e2e
