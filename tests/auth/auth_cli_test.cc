// `noisett token` and `noisett whoami` as child processes on a temporary data dir: the token alone
// on stdout, the user JSON or the refusal JSON ({"error":{code, reason, message}}) with exit 0 / 1,
// bad input with exit 2, the dev-mode warning on stderr, and never the token in a log.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <thread>

#include "auth/dev_issuer.h"
#include "auth/e2e_fixture.h"
#include "core/base64.h"
#include "support/loopback_http_server.h"
#include "support/subprocess.h"

#ifndef NOISETT_BIN
#error "NOISETT_BIN must name the noisett executable"
#endif

namespace noisett::auth::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

DevTokenRequest DevRequest(std::string user, int64_t ttl_s = 3600) {
  DevTokenRequest request;
  request.user = std::move(user);
  request.ttl_s = ttl_s;
  return request;
}

class AuthCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "noisett_auth_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    data_dir_ = (dir_ / "data").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // noisett with `args`, in an environment free of our settings (NOISETT_*, AZURE_*) plus `env`.
  testing::ProcessResult Noisett(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv = {NOISETT_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    testing::ProcessOptions options;
    options.drop_env_prefixes = {"NOISETT_", "AZURE_"};
    options.set_env = env;
    options.timeout = std::chrono::seconds(60);
    return testing::RunProcess(argv, options);
  }

  // `noisett token --user USER ...`; the token, or "" with a test failure.
  std::string CliToken(const std::string& user, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"token", "--user", user, "--data-dir", data_dir_};
    args.insert(args.end(), extra.begin(), extra.end());
    const testing::ProcessResult r = Noisett(args);
    EXPECT_EQ(r.status, 0) << r.err;
    std::string token = r.out;
    if (!token.empty() && token.back() == '\n') token.pop_back();
    return token;
  }

  testing::ProcessResult Whoami(const std::string& token) {
    return Noisett({"whoami", "--auth", "dev", "--data-dir", data_dir_, "--token", token});
  }

  // The JSON object on stdout (one line).
  static json StdoutJson(const testing::ProcessResult& r) {
    return json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  }

  static void ExpectRefusal(const testing::ProcessResult& r, std::string_view reason,
                            const std::string& token) {
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    const json out = StdoutJson(r);
    ASSERT_TRUE(out.is_object()) << "stdout is not one JSON object: " << r.out;
    ASSERT_TRUE(out.contains("error")) << r.out;
    EXPECT_EQ(out["error"].value("code", ""), "unauthenticated") << r.out;
    EXPECT_EQ(out["error"].value("reason", ""), reason) << r.out;
    EXPECT_FALSE(out["error"].value("message", "").empty()) << r.out;
    EXPECT_FALSE(ContainsTokenText(r.out, token)) << "the token is echoed on stdout";
    EXPECT_FALSE(ContainsTokenText(r.err, token)) << "the token is in the log: " << r.err;
  }

  fs::path dir_;
  std::string data_dir_;
};

// Three non-empty base64url parts and one newline. (No std::regex: g++ 12 warns inside it at -O1.)
bool IsCompactJwsLine(const std::string& text) {
  if (text.empty() || text.back() != '\n') return false;
  int parts = 1;
  size_t part_size = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (part_size == 0) return false;
      ++parts;
      part_size = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      ++part_size;
    } else {
      return false;
    }
  }
  return parts == 3 && part_size > 0;
}

TEST_F(AuthCliTest, TokenPrintsOnlyTheToken) {
  const testing::ProcessResult r =
      Noisett({"token", "--user", "alice", "--data-dir", data_dir_});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(IsCompactJwsLine(r.out)) << "stdout: " << r.out;
  EXPECT_FALSE(ContainsTokenText(r.err, r.out.substr(0, r.out.size() - 1))) << r.err;
  EXPECT_TRUE(fs::exists(fs::path(DevIssuerDir(data_dir_)) / "key.pem"));
  EXPECT_TRUE(fs::exists(DevJwksPath(data_dir_)));
}

TEST_F(AuthCliTest, WhoamiPrintsTheUserOfADevToken) {
  const std::string token = CliToken("alice");
  const testing::ProcessResult r = Whoami(token);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const json user = StdoutJson(r);
  ASSERT_TRUE(user.is_object()) << r.out;
  EXPECT_EQ(user.value("user_id", ""), "alice");
  EXPECT_EQ(user.value("email", ""), "alice@noisett.local");
  EXPECT_EQ(user.value("admin", true), false);
  EXPECT_EQ(user.value("anonymous", true), false);
  EXPECT_EQ(user.value("tenant_id", "x"), "");
  EXPECT_FALSE(ContainsTokenText(r.out + r.err, token));
}

TEST_F(AuthCliTest, DevModeWarnsOnStderr) {
  const std::string token = CliToken("alice");
  const testing::ProcessResult r = Whoami(token);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("WARN"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("DEV"), std::string::npos) << r.err;
  // With an Entra tenant configured as well, it says that Entra tokens will be refused.
  const testing::ProcessResult with_tenant =
      Noisett({"whoami", "--auth", "dev", "--data-dir", data_dir_, "--token", token},
              {{"AZURE_TENANT_ID", kTenant}});
  ASSERT_EQ(with_tenant.status, 0) << with_tenant.err;
  EXPECT_NE(with_tenant.err.find("AZURE_TENANT_ID"), std::string::npos) << with_tenant.err;
}

TEST_F(AuthCliTest, AdminFlagAndTokenFromTheEnvironment) {
  const std::string token = CliToken("bob", {"--admin", "--name", "Bob B", "--ttl", "30m"});
  const testing::ProcessResult r = Noisett({"whoami", "--auth", "dev", "--data-dir", data_dir_},
                                           {{"NOISETT_TOKEN", token}});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const json user = StdoutJson(r);
  EXPECT_EQ(user.value("user_id", ""), "bob");
  EXPECT_EQ(user.value("name", ""), "Bob B");
  EXPECT_EQ(user.value("admin", false), true);
  EXPECT_EQ(user["roles"], json({std::string(kAdminRole)}));
}

TEST_F(AuthCliTest, ExpiredTokenExitsOneWithTheReason) {
  // A token that expired an hour ago (beyond any leeway), from the same dev key.
  auto issuer = DevIssuer::Open(data_dir_);
  ASSERT_TRUE(issuer.has_value()) << issuer.error().ToString();
  const int64_t now = SystemClock::Instance().NowSeconds();
  auto token = issuer->Mint(DevRequest("alice", 60), now - 3600);
  ASSERT_TRUE(token.has_value()) << token.error().ToString();
  ExpectRefusal(Whoami(*token), reason::kExpired, *token);
}

TEST_F(AuthCliTest, TamperedTokenExitsOneWithBadSignature) {
  const std::string token = CliToken("alice");
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.find('.', dot1 + 1);
  auto payload = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  ASSERT_TRUE(payload.has_value());
  json claims = json::parse(*payload);
  claims["oid"] = "mallory";
  claims["roles"] = {std::string(kAdminRole)};
  const std::string forged = token.substr(0, dot1 + 1) + Base64UrlEncode(claims.dump()) +
                             token.substr(dot2);
  const testing::ProcessResult r = Whoami(forged);
  ExpectRefusal(r, reason::kBadSignature, forged);
  EXPECT_EQ(r.out.find("mallory"), std::string::npos) << r.out;
}

TEST_F(AuthCliTest, GarbageAndMissingTokens) {
  CliToken("alice");  // creates the dev key
  ExpectRefusal(Whoami("not-a-token"), reason::kMalformed, "");
  const testing::ProcessResult none =
      Noisett({"whoami", "--auth", "dev", "--data-dir", data_dir_});
  ExpectRefusal(none, reason::kMissing, "");
}

TEST_F(AuthCliTest, BadUserIsRefusedWithExitTwo) {
  for (const char* user : {"../x", "a/b", "", "with space"}) {
    const testing::ProcessResult r = Noisett({"token", "--user", user, "--data-dir", data_dir_});
    EXPECT_EQ(r.status, 2) << "--user '" << user << "': " << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  const testing::ProcessResult ttl =
      Noisett({"token", "--user", "alice", "--ttl", "8d", "--data-dir", data_dir_});
  EXPECT_EQ(ttl.status, 2) << ttl.err;
}

TEST_F(AuthCliTest, WhoamiWithoutIssuerSettingsIsAConfigurationError) {
  const testing::ProcessResult r = Noisett({"whoami", "--token", "a.b.c"});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("AZURE_TENANT_ID"), std::string::npos) << r.err;
}

TEST_F(AuthCliTest, ConcurrentFirstRunsAgreeOnOneKey) {
  std::vector<std::string> tokens(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < tokens.size(); ++i) {
    threads.emplace_back([&, i] {
      const testing::ProcessResult r =
          Noisett({"token", "--user", "user" + std::to_string(i), "--data-dir", data_dir_});
      if (r.status == 0) tokens[i] = r.out.substr(0, r.out.size() - 1);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < tokens.size(); ++i) {
    ASSERT_FALSE(tokens[i].empty()) << "noisett token " << i << " failed";
    const testing::ProcessResult r = Whoami(tokens[i]);
    EXPECT_EQ(r.status, 0) << "token " << i << ": " << r.out;
  }
}

// The Entra path of whoami: a jose-minted token (times around the real now, since the child uses
// the system clock) checked against a JWKS URL on loopback, with the settings as flags.
TEST_F(AuthCliTest, WhoamiChecksEntraTokensAgainstAJwksUrl) {
  const int64_t now = SystemClock::Instance().NowSeconds();
  const json times = {{"iat", now - 60}, {"nbf", now - 60}, {"exp", now + 3600}};
  const json request = {
      {"keys", {{{"kid", "rsa-1"}, {"kty", "RSA"}, {"alg", "RS256"}}}},
      {"tokens",
       {TokenSpec("v2", "rsa-1", "RS256", With(V2Claims(), times)),
        TokenSpec("v1", "rsa-1", "RS256", With(V1Claims(), times)),
        TokenSpec("wrong_audience", "rsa-1", "RS256",
                  With(With(V2Claims(), times), {{"aud", "api://someone-else"}}))}}};
  MintedTokens minted;
  std::string error;
  ASSERT_TRUE(MintWithJose(request, minted, error, /*keep=*/false)) << error;
  testing::LoopbackHttpServer server;
  server.SetBody("/keys", minted.JwksOf({"rsa-1"}));
  const std::vector<std::string> entra = {"whoami",      "--tenant-id", kTenant,
                                          "--client-id", kClientId,     "--jwks-url",
                                          server.Url("/keys")};
  auto whoami = [&](const std::string& token, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = entra;
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--token", token});
    return Noisett(args);
  };

  const testing::ProcessResult v2 = whoami(minted.Token("v2"));
  ASSERT_EQ(v2.status, 0) << v2.out << v2.err;
  const json user = StdoutJson(v2);
  EXPECT_EQ(user.value("user_id", ""), kOid);
  EXPECT_EQ(user.value("tenant_id", ""), kTenant);
  EXPECT_EQ(user.value("email", ""), "alice@contoso.com");
  EXPECT_EQ(user.value("admin", false), true);
  EXPECT_EQ(user.value("token_version", ""), "2.0");
  EXPECT_EQ(v2.err.find("DEV"), std::string::npos) << "no dev-mode warning outside dev mode";
  EXPECT_EQ(server.Hits("/keys"), 1);

  ExpectRefusal(whoami(minted.Token("v1")), reason::kWrongIssuer, minted.Token("v1"));
  const testing::ProcessResult v1 = whoami(minted.Token("v1"), {"--auth-accept-v1"});
  ASSERT_EQ(v1.status, 0) << v1.out << v1.err;
  EXPECT_EQ(StdoutJson(v1).value("email", ""), "bob@contoso.com");
  ExpectRefusal(whoami(minted.Token("wrong_audience")), reason::kWrongAudience,
                minted.Token("wrong_audience"));
  // A dev token means nothing to an Entra deployment.
  ExpectRefusal(whoami(CliToken("alice")), reason::kUnknownKid, "");
}

TEST_F(AuthCliTest, JoseVerifiesACliToken) {
  const std::string token = CliToken("carol", {"--scope", "Noisett.Use"});
  std::ifstream in(DevJwksPath(data_dir_));
  const json jwks = json::parse(in, nullptr, false);
  const json verified = VerifyWithJose({{"token", token},
                                        {"jwks", jwks},
                                        {"issuer", std::string(kDevIssuer)},
                                        {"audience", std::string(kDevAudience)},
                                        {"algorithms", {"RS256"}}});
  ASSERT_TRUE(verified.value("ok", false)) << verified.dump();
  EXPECT_EQ(verified["payload"].value("oid", ""), "carol");
  EXPECT_EQ(verified["payload"].value("scp", ""), "Noisett.Use");
}

}  // namespace
}  // namespace noisett::auth::e2e
