// The auth modes over request credentials, with jose-minted tokens: required (no header is
// "missing"), optional (only an explicit X-Auth-Optional: true without any Authorization header
// makes the anonymous user; a bad token is still refused), the Bearer scheme, and RequireAdmin.
#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "auth/e2e_fixture.h"

namespace noisett::auth::e2e {
namespace {

class AuthenticatorTest : public AuthE2eTest {
 protected:
  std::unique_ptr<Authenticator> Make(AuthMode mode) {
    AuthConfig config = EntraConfig(server_.Url("/keys"));
    config.mode = mode;
    auto validator = MakeEntraValidator(config);
    if (validator == nullptr) return nullptr;
    return std::make_unique<Authenticator>(mode, std::move(validator));
  }

  std::string Bearer(const std::string& name) { return "Bearer " + Token(name); }
};

TEST_F(AuthenticatorTest, RequiredModeNeedsAToken) {
  auto auth = Make(AuthMode::kRequired);
  ASSERT_NE(auth, nullptr);
  EXPECT_TRUE(IsRefusal(auth->Authenticate({}), reason::kMissing));
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(""), std::nullopt}), reason::kMissing));
  // The optional-mode header means nothing in required mode.
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::nullopt, std::string_view("true")}),
                        reason::kMissing));
  const std::string header = Bearer("v2");
  auto user = auth->Authenticate({std::string_view(header), std::nullopt});
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  EXPECT_FALSE(user->anonymous);
}

TEST_F(AuthenticatorTest, BearerSchemeIsCaseInsensitiveAndNeedsOneToken) {
  auto auth = Make(AuthMode::kRequired);
  ASSERT_NE(auth, nullptr);
  const std::string lower = "bearer " + Token("v2");
  EXPECT_TRUE(auth->Authenticate({std::string_view(lower), std::nullopt}).has_value());
  const std::string upper = "BEARER " + Token("v2");
  EXPECT_TRUE(auth->Authenticate({std::string_view(upper), std::nullopt}).has_value());
  for (const std::string& bad :
       {std::string("Basic dXNlcjpwYXNzd29yZA=="), "Basic " + Token("v2"), std::string("Bearer"),
        std::string("Bearer "), "Bearer " + Token("v2") + " extra", Token("v2"),
        "Token " + Token("v2")}) {
    EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(bad), std::nullopt}),
                          reason::kMalformed, Token("v2")))
        << bad.substr(0, 12);
  }
}

TEST_F(AuthenticatorTest, RefusalsFromTheValidatorPassThrough) {
  auto auth = Make(AuthMode::kRequired);
  ASSERT_NE(auth, nullptr);
  const std::string tampered = Bearer("tampered");
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(tampered), std::nullopt}),
                        reason::kBadSignature, Token("tampered")));
  clock_.Set(kNow + 3600 + kLeeway);
  const std::string v2 = Bearer("v2");
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(v2), std::nullopt}),
                        reason::kExpired));
}

TEST_F(AuthenticatorTest, OptionalModeServesAnonymousOnlyWhenAskedAndTokenless) {
  auto auth = Make(AuthMode::kOptional);
  ASSERT_NE(auth, nullptr);
  auto anonymous = auth->Authenticate({std::nullopt, std::string_view("true")});
  ASSERT_TRUE(anonymous.has_value()) << anonymous.error().ToString();
  EXPECT_TRUE(anonymous->anonymous);
  EXPECT_EQ(anonymous->user_id, kAnonymousUserId);
  EXPECT_FALSE(anonymous->is_admin());
  EXPECT_TRUE(anonymous->tenant_id.empty());

  // Without the header, or with any other value, a request without a token is still refused.
  EXPECT_TRUE(IsRefusal(auth->Authenticate({}), reason::kMissing));
  for (const char* value : {"false", "", "1", "yes"}) {
    EXPECT_TRUE(IsRefusal(auth->Authenticate({std::nullopt, std::string_view(value)}),
                          reason::kMissing))
        << "X-Auth-Optional: '" << value << "'";
  }
}

TEST_F(AuthenticatorTest, OptionalModeStillRefusesABadToken) {
  auto auth = Make(AuthMode::kOptional);
  ASSERT_NE(auth, nullptr);
  const std::string tampered = Bearer("tampered");
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(tampered), std::string_view("true")}),
                        reason::kBadSignature));
  const std::string basic = "Basic dXNlcjpwYXNzd29yZA==";
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(basic), std::string_view("true")}),
                        reason::kMalformed));
  const std::string none = Bearer("none_unsigned");
  EXPECT_TRUE(IsRefusal(auth->Authenticate({std::string_view(none), std::string_view("true")}),
                        reason::kAlgNotAllowed));
  // A valid token in optional mode is the real user, not the anonymous one.
  const std::string v2 = Bearer("v2");
  auto user = auth->Authenticate({std::string_view(v2), std::string_view("true")});
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_FALSE(user->anonymous);
  EXPECT_EQ(user->user_id, kOid);
}

TEST_F(AuthenticatorTest, BareTokenForTheCli) {
  auto auth = Make(AuthMode::kRequired);
  ASSERT_NE(auth, nullptr);
  EXPECT_TRUE(IsRefusal(auth->AuthenticateToken(""), reason::kMissing));
  EXPECT_TRUE(auth->AuthenticateToken(Token("v2")).has_value());
  EXPECT_TRUE(IsRefusal(auth->AuthenticateToken(Token("hs256_public_key")),
                        reason::kAlgNotAllowed));
}

TEST_F(AuthenticatorTest, RequireAdminNeedsTheAdminRole) {
  auto auth = Make(AuthMode::kOptional);
  ASSERT_NE(auth, nullptr);
  auto admin = auth->AuthenticateToken(Token("v2"));
  ASSERT_TRUE(admin.has_value()) << admin.error().ToString();
  EXPECT_TRUE(RequireAdmin(*admin).has_value());

  auto reader = auth->AuthenticateToken(Token("v2_no_admin"));
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  auto denied = RequireAdmin(*reader);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().reason, reason::kNotAdmin);

  auto anonymous = auth->Authenticate({std::nullopt, std::string_view("true")});
  ASSERT_TRUE(anonymous.has_value());
  auto anonymous_denied = RequireAdmin(*anonymous);
  ASSERT_FALSE(anonymous_denied.has_value());
  EXPECT_EQ(anonymous_denied.error().reason, reason::kNotAdmin);
}

TEST_F(AuthenticatorTest, ChallengeNeverCarriesTheToken) {
  auto auth = Make(AuthMode::kRequired);
  ASSERT_NE(auth, nullptr);
  for (const char* name : {"tampered", "expired_long_ago", "wrong_audience", "none_with_signature"}) {
    const std::string header = Bearer(name);
    auto refused = auth->Authenticate({std::string_view(header), std::nullopt});
    ASSERT_FALSE(refused.has_value()) << name;
    const std::string challenge = BearerChallenge(refused.error());
    EXPECT_NE(challenge.find("error=\"invalid_token\""), std::string::npos) << challenge;
    EXPECT_FALSE(ContainsTokenText(challenge, Token(name))) << challenge;
  }
}

}  // namespace
}  // namespace noisett::auth::e2e
