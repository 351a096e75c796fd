// From operator settings to validator options: modes, lists, Entra defaults and overrides, and
// the errors that tell an operator what to set.
#include "auth/auth_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/dev_issuer.h"
#include "auth/unit/test_tokens.h"

namespace noisett::auth {
namespace {

using Strings = std::vector<std::string>;

const std::string kTenant(unit::kTenant);
const std::string kClient(unit::kClientId);

AuthConfig Entra() {
  AuthConfig config;
  config.tenant_id = kTenant;
  config.client_id = kClient;
  return config;
}

ResolvedAuth MustResolve(const AuthConfig& config) {
  auto resolved = ResolveAuthConfig(config);
  EXPECT_TRUE(resolved) << resolved.error().ToString();
  if (!resolved) return {};
  EXPECT_NE(resolved->source, nullptr);
  return std::move(*resolved);
}

Error MustFail(const AuthConfig& config) {
  auto resolved = ResolveAuthConfig(config);
  EXPECT_FALSE(resolved) << "resolved with issuers "
                         << (resolved ? resolved->validator.policy.issuers.size() : 0);
  if (resolved) return {};
  EXPECT_EQ(resolved.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(resolved.error().reason, "bad_config");
  return resolved.error();
}

TEST(AuthModeTest, ParsesTheThreeModes) {
  for (AuthMode mode : {AuthMode::kRequired, AuthMode::kOptional, AuthMode::kDev}) {
    auto parsed = ParseAuthMode(AuthModeName(mode));
    ASSERT_TRUE(parsed) << AuthModeName(mode);
    EXPECT_EQ(*parsed, mode);
  }
  EXPECT_EQ(AuthModeName(AuthMode::kRequired), "required");
  EXPECT_EQ(AuthModeName(AuthMode::kOptional), "optional");
  EXPECT_EQ(AuthModeName(AuthMode::kDev), "dev");
}

TEST(AuthModeTest, RefusesAnythingElse) {
  for (const char* text : {"", "none", "off", "disabled", "Required", "dev ", "true"}) {
    auto parsed = ParseAuthMode(text);
    ASSERT_FALSE(parsed) << "'" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(SplitListTest, TrimsAndDropsEmptyItems) {
  EXPECT_EQ(SplitList("a, b,,c"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(SplitList(""), Strings{});
  EXPECT_EQ(SplitList(" , ,"), Strings{});
  EXPECT_EQ(SplitList("  only  "), Strings{"only"});
  EXPECT_EQ(SplitList("api://x,y"), (Strings{"api://x", "y"}));
  EXPECT_EQ(SplitList("a b, c"), (Strings{"a b", "c"}));  // inner spaces are kept
  EXPECT_EQ(SplitList(",a,"), Strings{"a"});
}

TEST(ResolveAuthConfigTest, TenantAndClientGiveTheEntraV2Defaults) {
  const ResolvedAuth r = MustResolve(Entra());
  const ClaimPolicy& policy = r.validator.policy;
  EXPECT_EQ(policy.issuers, Strings{"https://login.microsoftonline.com/" + kTenant + "/v2.0"});
  EXPECT_EQ(policy.audiences, Strings{kClient});
  EXPECT_EQ(policy.tenant_id, kTenant);
  EXPECT_EQ(policy.leeway_s, 60);
  EXPECT_EQ(policy.required_scope, "");
  EXPECT_EQ(r.validator.algs, std::vector<Alg>{Alg::kRS256});
  // Keys come from OpenID discovery under the issuer.
  EXPECT_NE(r.source_description.find("https://login.microsoftonline.com/" + kTenant +
                                      "/v2.0/.well-known/openid-configuration"),
            std::string::npos)
      << r.source_description;
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ResolveAuthConfigTest, AcceptV1AddsTheV1IssuerAndAppIdUri) {
  AuthConfig config = Entra();
  config.accept_v1 = true;
  const ClaimPolicy policy = MustResolve(config).validator.policy;
  EXPECT_EQ(policy.issuers, (Strings{"https://login.microsoftonline.com/" + kTenant + "/v2.0",
                                     "https://sts.windows.net/" + kTenant + "/"}));
  EXPECT_EQ(policy.audiences, (Strings{kClient, "api://" + kClient}));
}

TEST(ResolveAuthConfigTest, ExplicitIssuerAndAudiencesOverride) {
  AuthConfig config = Entra();
  config.issuer = "https://issuer.example/realms/noisett";
  config.audiences = {"aud-1", "aud-2"};
  const ResolvedAuth r = MustResolve(config);
  EXPECT_EQ(r.validator.policy.issuers, Strings{"https://issuer.example/realms/noisett"});
  EXPECT_EQ(r.validator.policy.audiences, (Strings{"aud-1", "aud-2"}));
  EXPECT_NE(r.source_description.find(
                "https://issuer.example/realms/noisett/.well-known/openid-configuration"),
            std::string::npos)
      << r.source_description;
}

TEST(ResolveAuthConfigTest, AnyOidcIssuerWithoutATenant) {
  AuthConfig config;
  config.issuer = "https://issuer.example/";
  config.audiences = {"noisett-api"};
  const ResolvedAuth r = MustResolve(config);
  EXPECT_EQ(r.validator.policy.issuers, Strings{"https://issuer.example/"});
  EXPECT_EQ(r.validator.policy.tenant_id, "");  // no tid check without a tenant
  // No double slash before .well-known.
  EXPECT_NE(r.source_description.find("https://issuer.example/.well-known/openid-configuration"),
            std::string::npos)
      << r.source_description;
}

TEST(ResolveAuthConfigTest, SettingsPassThroughToThePolicy) {
  AuthConfig config = Entra();
  config.leeway_s = 5;
  config.required_scope = "images.write";
  config.algs = {Alg::kES256, Alg::kPS256};
  const ResolvedAuth r = MustResolve(config);
  EXPECT_EQ(r.validator.policy.leeway_s, 5);
  EXPECT_EQ(r.validator.policy.required_scope, "images.write");
  EXPECT_EQ(r.validator.algs, (std::vector<Alg>{Alg::kES256, Alg::kPS256}));
}

TEST(ResolveAuthConfigTest, ExplicitKeySources) {
  AuthConfig file = Entra();
  file.jwks_file = "/etc/noisett/jwks.json";
  EXPECT_NE(MustResolve(file).source_description.find("/etc/noisett/jwks.json"), std::string::npos);

  AuthConfig url = Entra();
  url.jwks_url = "https://keys.example/jwks.json";
  EXPECT_NE(MustResolve(url).source_description.find("https://keys.example/jwks.json"),
            std::string::npos);

  AuthConfig loopback = Entra();
  loopback.jwks_url = "http://127.0.0.1:8080/jwks.json";
  MustResolve(loopback);
}

TEST(ResolveAuthConfigTest, KeysOnlyOverTls) {
  AuthConfig url = Entra();
  url.jwks_url = "http://keys.example/jwks.json";
  MustFail(url);
  AuthConfig issuer;
  issuer.issuer = "http://issuer.example";
  issuer.audiences = {"x"};
  MustFail(issuer);
}

TEST(ResolveAuthConfigTest, NothingConfiguredSaysWhatToSet) {
  const Error e = MustFail(AuthConfig{});
  EXPECT_NE(e.message.find("AZURE_TENANT_ID"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("NOISETT_AUTH_ISSUER"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("dev"), std::string::npos) << e.message;

  AuthConfig optional;
  optional.mode = AuthMode::kOptional;
  MustFail(optional);
}

TEST(ResolveAuthConfigTest, AnAudienceIsRequired) {
  AuthConfig config;
  config.tenant_id = kTenant;
  const Error e = MustFail(config);
  EXPECT_NE(e.message.find("AZURE_CLIENT_ID"), std::string::npos) << e.message;
}

TEST(ResolveAuthConfigTest, AcceptV1NeedsATenant) {
  AuthConfig config;
  config.issuer = "https://issuer.example";
  config.audiences = {"x"};
  config.accept_v1 = true;
  MustFail(config);
}

TEST(ResolveAuthConfigTest, BadAlgListAndLeewayAreRefused) {
  AuthConfig no_algs = Entra();
  no_algs.algs.clear();
  MustFail(no_algs);
  AuthConfig negative = Entra();
  negative.leeway_s = -1;
  MustFail(negative);
  AuthConfig huge = Entra();
  huge.leeway_s = 365 * 24 * 3600;
  MustFail(huge);
}

TEST(ResolveAuthConfigTest, DevModeTrustsTheDevIssuerOnly) {
  AuthConfig config;
  config.mode = AuthMode::kDev;
  config.data_dir = "/tmp/noisett-unit-dev-data";
  const ResolvedAuth r = MustResolve(config);
  EXPECT_EQ(r.validator.policy.issuers, Strings{"noisett-dev"});
  EXPECT_EQ(r.validator.policy.audiences, Strings{"noisett"});
  EXPECT_EQ(r.validator.policy.tenant_id, "");
  EXPECT_NE(r.source_description.find(DevJwksPath(config.data_dir)), std::string::npos)
      << r.source_description;
  EXPECT_FALSE(r.warnings.empty());  // dev mode is announced at start
}

TEST(ResolveAuthConfigTest, DevModeWithATenantWarnsThatEntraIsOff) {
  AuthConfig config = Entra();
  config.mode = AuthMode::kDev;
  const ResolvedAuth r = MustResolve(config);
  EXPECT_EQ(r.validator.policy.issuers, Strings{"noisett-dev"});
  EXPECT_GE(r.warnings.size(), 2u);
}

TEST(ResolveAuthConfigTest, OnlyAsymmetricAlgorithmsCanEverBeConfigured) {
  // HS256 has no Alg value; the only way in is the allow-list parser, which refuses it.
  EXPECT_FALSE(ParseAlgList("HS256"));
  auto algs = ParseAlgList("RS256,PS256,ES256");
  ASSERT_TRUE(algs);
  AuthConfig config = Entra();
  config.algs = *algs;
  for (Alg alg : MustResolve(config).validator.algs) {
    EXPECT_TRUE(alg == Alg::kRS256 || alg == Alg::kPS256 || alg == Alg::kES256);
  }
}

}  // namespace
}  // namespace noisett::auth
