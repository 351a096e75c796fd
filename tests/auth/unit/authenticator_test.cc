// The request edge: Authorization header parsing, the auth modes and the admin check.
#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/refusal.h"
#include "auth/unit/temp_jwks_file.h"
#include "auth/unit/test_tokens.h"

namespace noisett::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;

void ExpectToken(std::string_view header, std::string_view token) {
  auto parsed = BearerToken(header);
  ASSERT_TRUE(parsed) << "'" << header << "': " << parsed.error().ToString();
  EXPECT_EQ(*parsed, token) << "'" << header << "'";
}

void ExpectNoToken(std::string_view header) {
  auto parsed = BearerToken(header);
  ASSERT_FALSE(parsed) << "'" << header << "' gave '" << *parsed << "'";
  EXPECT_EQ(parsed.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(parsed.error().reason, reason::kMalformed) << header;
}

TEST(BearerTokenTest, SchemeIsCaseInsensitive) {
  ExpectToken("Bearer abc.def.ghi", "abc.def.ghi");
  ExpectToken("bearer abc", "abc");
  ExpectToken("BEARER abc", "abc");
  ExpectToken("BeArEr abc", "abc");
}

TEST(BearerTokenTest, ExtraSpacesAroundTheTokenAreTolerated) {
  // RFC 6750 §2.1 allows 1*SP after the scheme; trailing spaces are trimmed as proxies add them.
  ExpectToken("Bearer  abc", "abc");
  ExpectToken("Bearer abc ", "abc");
}

TEST(BearerTokenTest, OtherSchemesAndShapesAreRefused) {
  ExpectNoToken("Basic dXNlcjpwYXNz");
  ExpectNoToken("Bearer");
  ExpectNoToken("Bearer ");
  ExpectNoToken("Bearer   ");
  ExpectNoToken("Bearer a b");
  ExpectNoToken("Bearerabc");
  ExpectNoToken("Bearer\tabc");
  ExpectNoToken(" Bearer abc");
  ExpectNoToken("Token abc");
  ExpectNoToken("Bearers abc");
  ExpectNoToken("");
  ExpectNoToken("abc.def.ghi");
}

TEST(RequireAdminTest, AdminsPassOthersGet403) {
  User admin;
  admin.user_id = "a";
  admin.roles = {"Reader", std::string(kAdminRole)};
  EXPECT_TRUE(RequireAdmin(admin));

  User reader;
  reader.user_id = "r";
  reader.roles = {"Reader"};
  reader.scopes = {std::string(kAdminRole)};  // a scope is not a role
  const Status refused = RequireAdmin(reader);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().reason, reason::kNotAdmin);

  User anonymous;
  anonymous.user_id = std::string(kAnonymousUserId);
  anonymous.anonymous = true;
  EXPECT_FALSE(RequireAdmin(anonymous));
}

ValidatorOptions Options() {
  ValidatorOptions options;
  options.policy.issuers = {unit::V2Issuer()};
  options.policy.audiences = {std::string(unit::kClientId)};
  options.policy.tenant_id = std::string(unit::kTenant);
  return options;
}

class AuthenticatorModesTest : public ::testing::Test {
 protected:
  Authenticator Make(AuthMode mode) {
    return Authenticator(mode, unit::MakeFileValidator(jwks_, clock_, Options()));
  }

  ManualClock clock_{kNow};
  unit::TempJwksFile jwks_{unit::JwksText({unit::RsaJwk(unit::Keys().rsa, "rsa-1")})};
  const std::string good_ = "Bearer " + unit::SignRs256(unit::V2Claims(kNow));
};

TEST_F(AuthenticatorModesTest, RequiredModeNeedsAToken) {
  Authenticator auth = Make(AuthMode::kRequired);
  auto user = auth.Authenticate({good_, std::nullopt});
  ASSERT_TRUE(user) << user.error().ToString();
  EXPECT_EQ(user->user_id, unit::kOid);

  auto missing = auth.Authenticate({std::nullopt, std::nullopt});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, reason::kMissing);
  // The migration header means nothing outside optional mode.
  auto opted_out = auth.Authenticate({std::nullopt, "true"});
  ASSERT_FALSE(opted_out);
  EXPECT_EQ(opted_out.error().reason, reason::kMissing);
  auto empty = auth.Authenticate({"", std::nullopt});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().reason, reason::kMissing);
}

TEST_F(AuthenticatorModesTest, OptionalModeServesTheAnonymousUserOnlyWhenAsked) {
  Authenticator auth = Make(AuthMode::kOptional);
  auto anonymous = auth.Authenticate({std::nullopt, "true"});
  ASSERT_TRUE(anonymous) << anonymous.error().ToString();
  EXPECT_TRUE(anonymous->anonymous);
  EXPECT_EQ(anonymous->user_id, kAnonymousUserId);
  EXPECT_FALSE(anonymous->is_admin());

  auto no_header = auth.Authenticate({std::nullopt, std::nullopt});
  ASSERT_FALSE(no_header);
  EXPECT_EQ(no_header.error().reason, reason::kMissing);
  auto other_value = auth.Authenticate({std::nullopt, "yes"});
  ASSERT_FALSE(other_value);
  EXPECT_EQ(other_value.error().reason, reason::kMissing);

  // A bad token is refused even with the opt-in header: optional never downgrades a failure.
  auto bad = auth.Authenticate({"Bearer not.a.token", "true"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, reason::kMalformed);
  auto good = auth.Authenticate({good_, "true"});
  ASSERT_TRUE(good) << good.error().ToString();
  EXPECT_FALSE(good->anonymous);
}

TEST_F(AuthenticatorModesTest, BareTokens) {
  Authenticator auth = Make(AuthMode::kRequired);
  auto user = auth.AuthenticateToken(std::string_view(good_).substr(7));
  ASSERT_TRUE(user) << user.error().ToString();
  auto missing = auth.AuthenticateToken("");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, reason::kMissing);
}

}  // namespace
}  // namespace noisett::auth
