// CheckClaims: every refusal reason, the leeway edges, strict claim types, and the User it builds
// from v2 and v1 Entra tokens.
#include "auth/claims.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "auth/refusal.h"
#include "auth/unit/test_tokens.h"

namespace noisett::auth {
namespace {

using nlohmann::json;
using unit::kClientId;
using unit::kOid;
using unit::kTenant;

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kLeeway = 60;

ClaimPolicy Policy() {
  ClaimPolicy policy;
  policy.issuers = {unit::V2Issuer()};
  policy.audiences = {std::string(kClientId)};
  policy.tenant_id = std::string(kTenant);
  policy.leeway_s = kLeeway;
  return policy;
}

json Claims() { return unit::V2Claims(kNow); }

// The good claims with one member set to `value` (or removed when value is discarded).
json With(const char* name, const json& value) {
  json claims = Claims();
  if (value.is_discarded()) {
    claims.erase(name);
  } else {
    claims[name] = value;
  }
  return claims;
}
json Without(const char* name) { return With(name, json(json::value_t::discarded)); }

ValidatedClaims ExpectValid(const json& claims, const ClaimPolicy& policy = Policy(),
                            int64_t now = kNow) {
  auto result = CheckClaims(claims, policy, now);
  EXPECT_TRUE(result) << claims.dump() << " -> " << result.error().ToString();
  return result ? *result : ValidatedClaims{};
}

void ExpectRefused(const json& claims, std::string_view why, const ClaimPolicy& policy = Policy(),
                   int64_t now = kNow) {
  auto result = CheckClaims(claims, policy, now);
  ASSERT_FALSE(result) << claims.dump() << " was accepted, expected " << why;
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(result.error().reason, why) << claims.dump() << " -> " << result.error().ToString();
}

TEST(CheckClaimsTest, GoodV2ClaimsPass) {
  const ValidatedClaims v = ExpectValid(Claims());
  EXPECT_EQ(v.expires_at, kNow + 3600);
  EXPECT_EQ(v.user.user_id, kOid);
  EXPECT_EQ(v.user.tenant_id, kTenant);
}

TEST(CheckClaimsTest, TheConfiguredTierClaimBecomesTheUsersTierAndNothingElseDoes) {
  ClaimPolicy policy = Policy();
  EXPECT_EQ(ExpectValid(With("extension_tier", "pro"), policy).user.subscription_tier, "")
      << "no tier claim configured: ignored";
  policy.tier_claim = "extension_tier";
  EXPECT_EQ(ExpectValid(With("extension_tier", "pro"), policy).user.subscription_tier, "pro");
  EXPECT_EQ(ExpectValid(Claims(), policy).user.subscription_tier, "") << "claim absent";
  // Not a string: not a tier (and not a refusal: the catalog's tier holds).
  EXPECT_EQ(ExpectValid(With("extension_tier", 3), policy).user.subscription_tier, "");
  EXPECT_EQ(ExpectValid(With("extension_tier", json::array({"pro"})), policy)
                .user.subscription_tier,
            "");
  // A registered claim cannot be named to smuggle a value in as the tier.
  policy.tier_claim = "oid";
  EXPECT_EQ(ExpectValid(Claims(), policy).user.subscription_tier, "");
}

// --- time ---

TEST(CheckClaimsTest, ExpiredTokensAreRefused) {
  ExpectRefused(With("exp", kNow - 3600), reason::kExpired);
  ExpectRefused(With("exp", 0), reason::kExpired);
  ExpectRefused(With("exp", -1), reason::kExpired);
}

TEST(CheckClaimsTest, ExpLeewayEdges) {
  // Expired once now >= exp + leeway: exp == now - leeway is the first expired second.
  ExpectRefused(With("exp", kNow - kLeeway - 1), reason::kExpired);
  ExpectRefused(With("exp", kNow - kLeeway), reason::kExpired);
  ExpectValid(With("exp", kNow - kLeeway + 1));
  ExpectValid(With("exp", kNow));
  ClaimPolicy strict = Policy();
  strict.leeway_s = 0;
  ExpectRefused(With("exp", kNow), reason::kExpired, strict);
  ExpectValid(With("exp", kNow + 1), strict);
}

TEST(CheckClaimsTest, ExpIsRequired) {
  // A token without exp would never expire.
  auto result = CheckClaims(Without("exp"), Policy(), kNow);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().reason, reason::kMalformed);
}

TEST(CheckClaimsTest, NotBeforeInTheFutureIsRefused) {
  ExpectRefused(With("nbf", kNow + 3600), reason::kNotYetValid);
  // Valid while nbf <= now + leeway.
  ExpectRefused(With("nbf", kNow + kLeeway + 1), reason::kNotYetValid);
  ExpectValid(With("nbf", kNow + kLeeway));
  ExpectValid(Without("nbf"));
}

TEST(CheckClaimsTest, IssuedInTheFutureBeyondLeewayIsRefused) {
  ExpectRefused(With("iat", kNow + kLeeway + 1), reason::kNotYetValid);
  ExpectRefused(With("iat", kNow + 86400), reason::kNotYetValid);
  ExpectValid(With("iat", kNow + kLeeway));
  ExpectValid(Without("iat"));
}

TEST(CheckClaimsTest, FractionalNumericDatesAreAccepted) {
  // RFC 7519 NumericDate may be non-integer.
  ExpectValid(With("exp", double(kNow) + 100.5));
  ExpectRefused(With("exp", double(kNow - kLeeway) - 0.5), reason::kExpired);
}

// --- issuer, audience, tenant ---

TEST(CheckClaimsTest, WrongIssuerIsRefused) {
  ExpectRefused(With("iss", "https://login.microsoftonline.com/other-tenant/v2.0"),
                reason::kWrongIssuer);
  ExpectRefused(With("iss", unit::V2Issuer() + "/"), reason::kWrongIssuer);  // trailing slash
  ExpectRefused(With("iss", "HTTPS://login.microsoftonline.com/" + std::string(kTenant) + "/v2.0"),
                reason::kWrongIssuer);
  ExpectRefused(With("iss", ""), reason::kWrongIssuer);
  ExpectRefused(Without("iss"), reason::kWrongIssuer);
}

TEST(CheckClaimsTest, V1IssuerOnlyWhenConfigured) {
  ExpectRefused(With("iss", unit::V1Issuer()), reason::kWrongIssuer);
  ClaimPolicy with_v1 = Policy();
  with_v1.issuers.push_back(unit::V1Issuer());
  ExpectValid(With("iss", unit::V1Issuer()), with_v1);
  ExpectValid(Claims(), with_v1);
  // v1 issuer without its trailing slash is another string.
  std::string no_slash = unit::V1Issuer();
  no_slash.pop_back();
  ExpectRefused(With("iss", no_slash), reason::kWrongIssuer, with_v1);
}

TEST(CheckClaimsTest, AudienceMayBeAStringOrAnArrayWithAMatch) {
  ExpectValid(With("aud", json::array({"other", kClientId})));
  ExpectValid(With("aud", json::array({kClientId})));
}

TEST(CheckClaimsTest, WrongAudienceIsRefused) {
  ExpectRefused(With("aud", "api://something-else"), reason::kWrongAudience);
  ExpectRefused(With("aud", json::array({"a", "b"})), reason::kWrongAudience);
  ExpectRefused(With("aud", json::array()), reason::kWrongAudience);
  ExpectRefused(With("aud", ""), reason::kWrongAudience);
  ExpectRefused(Without("aud"), reason::kWrongAudience);
  // Neither prefix nor case variants of the client id.
  ExpectRefused(With("aud", "api://" + std::string(kClientId)), reason::kWrongAudience);
  std::string upper(kClientId);
  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  ExpectRefused(With("aud", upper), reason::kWrongAudience);
}

TEST(CheckClaimsTest, WrongTenantIsRefused) {
  ExpectRefused(With("tid", "00000000-0000-0000-0000-000000000000"), reason::kWrongTenant);
  ExpectRefused(With("tid", ""), reason::kWrongTenant);
  ExpectRefused(Without("tid"), reason::kWrongTenant);
}

TEST(CheckClaimsTest, TenantIsNotCheckedWhenThePolicyHasNone) {
  ClaimPolicy any_tenant = Policy();
  any_tenant.tenant_id.clear();
  EXPECT_EQ(ExpectValid(With("tid", "another-tenant"), any_tenant).user.tenant_id, "another-tenant");
  EXPECT_EQ(ExpectValid(Without("tid"), any_tenant).user.tenant_id, "");
}

// --- identity and scope ---

TEST(CheckClaimsTest, OidIsRequiredAndMustBeASafeId) {
  ExpectRefused(Without("oid"), reason::kMissingOid);
  ExpectRefused(With("oid", ""), reason::kMissingOid);
  // user_id becomes a blob path segment.
  ExpectRefused(With("oid", "../x"), reason::kMissingOid);
  ExpectRefused(With("oid", "a/b"), reason::kMissingOid);
  ExpectRefused(With("oid", "a.b"), reason::kMissingOid);
  ExpectRefused(With("oid", "a b"), reason::kMissingOid);
  ExpectRefused(With("oid", "caf\xc3\xa9"), reason::kMissingOid);
  ExpectRefused(With("oid", std::string(65, 'a')), reason::kMissingOid);
  ExpectValid(With("oid", std::string(64, 'a')));
  ExpectValid(With("oid", "A_z-9"));
}

TEST(CheckClaimsTest, RequiredScopeMustBeOneOfTheScopes) {
  ClaimPolicy needs_c = Policy();
  needs_c.required_scope = "c";
  ExpectRefused(With("scp", "a b"), reason::kMissingScope, needs_c);
  ExpectRefused(Without("scp"), reason::kMissingScope, needs_c);
  ExpectRefused(With("scp", ""), reason::kMissingScope, needs_c);
  ExpectValid(With("scp", "a c b"), needs_c);
  ExpectValid(With("scp", "c"), needs_c);

  // Whole words only: neither a prefix nor an extension of the required scope counts.
  ClaimPolicy needs_read = Policy();
  needs_read.required_scope = "read";
  ExpectRefused(With("scp", "read.all"), reason::kMissingScope, needs_read);
  ExpectRefused(With("scp", "unread"), reason::kMissingScope, needs_read);
  ClaimPolicy needs_read_all = Policy();
  needs_read_all.required_scope = "read.all";
  ExpectRefused(With("scp", "read"), reason::kMissingScope, needs_read_all);
  ExpectRefused(With("scp", "read all"), reason::kMissingScope, needs_read_all);
}

TEST(CheckClaimsTest, ScopeIsNotNeededWhenThePolicyHasNone) {
  EXPECT_TRUE(ExpectValid(Without("scp")).user.scopes.empty());
}

// --- strict types ---

TEST(CheckClaimsTest, NumericDatesMustBeJsonNumbers) {
  ExpectRefused(With("exp", std::to_string(kNow + 3600)), reason::kMalformed);
  ExpectRefused(With("exp", true), reason::kMalformed);
  ExpectRefused(With("exp", nullptr), reason::kMalformed);
  ExpectRefused(With("exp", json::array({kNow + 3600})), reason::kMalformed);
  ExpectRefused(With("exp", json::object()), reason::kMalformed);
  ExpectRefused(With("nbf", "0"), reason::kMalformed);
  ExpectRefused(With("iat", false), reason::kMalformed);
}

TEST(CheckClaimsTest, NonFiniteNumericDatesAreMalformed) {
  // JSON text cannot spell these, but CheckClaims takes any json value.
  ExpectRefused(With("exp", std::numeric_limits<double>::quiet_NaN()), reason::kMalformed);
  ExpectRefused(With("exp", std::numeric_limits<double>::infinity()), reason::kMalformed);
  ExpectRefused(With("exp", -std::numeric_limits<double>::infinity()), reason::kMalformed);
  ExpectRefused(With("nbf", std::numeric_limits<double>::quiet_NaN()), reason::kMalformed);
  ExpectRefused(With("iat", std::numeric_limits<double>::infinity()), reason::kMalformed);
}

TEST(CheckClaimsTest, HugeNumericDatesDoNotOverflow) {
  // Far-future exp: valid, and expires_at stays a sane int64 (the token cache adds leeway to it).
  for (const json& far : {json(1e300), json(std::numeric_limits<int64_t>::max()),
                          json(std::numeric_limits<uint64_t>::max()), json(9.2e18)}) {
    const ValidatedClaims v = ExpectValid(With("exp", far));
    EXPECT_GT(v.expires_at, kNow) << far.dump();
    EXPECT_LT(v.expires_at, std::numeric_limits<int64_t>::max() / 2) << far.dump();
  }
  ExpectRefused(With("exp", std::numeric_limits<int64_t>::min()), reason::kExpired);
  ExpectRefused(With("nbf", std::numeric_limits<int64_t>::max()), reason::kNotYetValid);
  ExpectValid(With("nbf", std::numeric_limits<int64_t>::min()));
  ExpectRefused(With("iat", std::numeric_limits<uint64_t>::max()), reason::kNotYetValid);
}

TEST(CheckClaimsTest, HugeNumericDatesOutsideInt64AreRefusedCleanly) {
  // These refusals put the date into their message; converting a double beyond int64 to int64
  // is undefined behaviour, so the message must be built some other way.
  ExpectRefused(With("exp", -1e300), reason::kExpired);
  ExpectRefused(With("nbf", 1e300), reason::kNotYetValid);
  // On x86-64 the undefined conversion yields INT64_MIN, so the symptom is visible: a token
  // "not valid before" a date in 292 billion BC. (-fsanitize=undefined in g++ does not include
  // float-cast-overflow, so the Sanitize build alone would not catch it.)
  for (const json& claims : {With("exp", -1e300), With("nbf", 1e300)}) {
    auto result = CheckClaims(claims, Policy(), kNow);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message.find("-9223372036854775808"), std::string::npos)
        << result.error().message;
  }
}

TEST(CheckClaimsTest, StringClaimsMustBeStrings) {
  ExpectRefused(With("iss", 5), reason::kMalformed);
  ExpectRefused(With("iss", json::array({unit::V2Issuer()})), reason::kMalformed);
  ExpectRefused(With("aud", json::array({1})), reason::kMalformed);
  ExpectRefused(With("aud", json::array({kClientId, 1})), reason::kMalformed);
  ExpectRefused(With("aud", 42), reason::kMalformed);
  ExpectRefused(With("aud", json::object()), reason::kMalformed);
  ExpectRefused(With("tid", 7), reason::kMalformed);
  ExpectRefused(With("oid", 12345), reason::kMalformed);
  ExpectRefused(With("scp", json::array({"images.read"})), reason::kMalformed);
  ExpectRefused(With("roles", "Noisett.Admin"), reason::kMalformed);
  ExpectRefused(With("roles", json::array({"Noisett.Admin", 1})), reason::kMalformed);
  ExpectRefused(With("preferred_username", 3), reason::kMalformed);
  ExpectRefused(With("name", json::object()), reason::kMalformed);
  ExpectRefused(With("ver", 2.0), reason::kMalformed);
}

TEST(CheckClaimsTest, RefusalMessagesDoNotEchoClaimValues) {
  // Refusal messages end up in WWW-Authenticate headers and logs: a value chosen by whoever
  // minted the token must not travel there.
  const std::string marker = "attacker-chosen-\r\nX-Injected: 1";
  for (const char* name : {"iss", "aud", "tid", "oid"}) {
    auto result = CheckClaims(With(name, marker), Policy(), kNow);
    ASSERT_FALSE(result) << name;
    EXPECT_EQ(result.error().message.find("attacker-chosen"), std::string::npos)
        << name << ": " << result.error().message;
  }
}

// --- the User ---

TEST(CheckClaimsTest, UserFromAV2Token) {
  const User user = ExpectValid(Claims()).user;
  EXPECT_EQ(user.user_id, kOid);
  EXPECT_EQ(user.tenant_id, kTenant);
  EXPECT_EQ(user.email, "ada@contoso.example");
  EXPECT_EQ(user.name, "Ada Lovelace");
  EXPECT_EQ(user.token_version, "2.0");
  EXPECT_EQ(user.scopes, (std::vector<std::string>{"images.read", "images.write"}));
  EXPECT_EQ(user.roles, std::vector<std::string>{"Noisett.Admin"});
  EXPECT_TRUE(user.is_admin());
  EXPECT_FALSE(user.anonymous);
}

json V1Claims() {
  json claims = Claims();
  claims["iss"] = unit::V1Issuer();
  claims["ver"] = "1.0";
  claims.erase("preferred_username");
  claims["upn"] = "ada@contoso.example";
  claims["unique_name"] = "live.com#ada@outlook.example";
  return claims;
}

ClaimPolicy V1Policy() {
  ClaimPolicy policy = Policy();
  policy.issuers.push_back(unit::V1Issuer());
  return policy;
}

TEST(CheckClaimsTest, UserFromAV1TokenPrefersUpn) {
  const User user = ExpectValid(V1Claims(), V1Policy()).user;
  EXPECT_EQ(user.email, "ada@contoso.example");
  EXPECT_EQ(user.token_version, "1.0");
}

TEST(CheckClaimsTest, UserFromAV1TokenFallsBackToUniqueName) {
  json claims = V1Claims();
  claims.erase("upn");
  EXPECT_EQ(ExpectValid(claims, V1Policy()).user.email, "live.com#ada@outlook.example");
}

TEST(CheckClaimsTest, UserWithoutAnyNameClaims) {
  json claims = Claims();
  for (const char* name : {"preferred_username", "name", "ver", "roles", "scp"}) claims.erase(name);
  const User user = ExpectValid(claims).user;
  EXPECT_EQ(user.user_id, kOid);
  EXPECT_EQ(user.email, "");
  EXPECT_EQ(user.name, "");
  EXPECT_EQ(user.token_version, "");
  EXPECT_TRUE(user.roles.empty());
  EXPECT_FALSE(user.is_admin());
}

TEST(CheckClaimsTest, ScopesSplitOnSpaces) {
  EXPECT_EQ(ExpectValid(With("scp", "  a   b ")).user.scopes, (std::vector<std::string>{"a", "b"}));
}

TEST(CheckClaimsTest, AdminOnlyWithTheExactRole) {
  EXPECT_TRUE(ExpectValid(With("roles", json::array({"Reader", "Noisett.Admin"}))).user.is_admin());
  EXPECT_FALSE(ExpectValid(With("roles", json::array({"noisett.admin"}))).user.is_admin());
  EXPECT_FALSE(ExpectValid(With("roles", json::array({"Noisett.Admins"}))).user.is_admin());
  EXPECT_FALSE(ExpectValid(With("roles", json::array())).user.is_admin());
  // A scope named like the role is not the role.
  json scope_only = With("scp", "Noisett.Admin");
  scope_only["roles"] = json::array();
  EXPECT_FALSE(ExpectValid(scope_only).user.is_admin());
}

}  // namespace
}  // namespace noisett::auth
