// The dev issuer on a temporary data dir: its key file (mode 0600) and public JWKS, the same kid
// on every open, its tokens accepted by the dev-mode validator (MakeValidator, as the server
// builds it) and, as a cross-check that our signer is standard, by jose's jwtVerify against our
// jwks.json.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/dev_issuer.h"
#include "auth/e2e_fixture.h"

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

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DevIssuerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "noisett_dev_issuer_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    data_dir_ = (dir_ / "data").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  AuthConfig DevConfig() const {
    AuthConfig config;
    config.mode = AuthMode::kDev;
    config.data_dir = data_dir_;
    config.cache.background_refresh = false;
    return config;
  }

  std::string Mint(const DevTokenRequest& request, int64_t now) {
    auto issuer = DevIssuer::Open(data_dir_);
    EXPECT_TRUE(issuer.has_value()) << issuer.error().ToString();
    if (!issuer) return "";
    auto token = issuer->Mint(request, now);
    EXPECT_TRUE(token.has_value()) << token.error().ToString();
    return token.value_or("");
  }

  fs::path dir_;
  std::string data_dir_;
  ManualClock clock_{kNow};
  LogCapture logs_;
};

TEST_F(DevIssuerTest, OpenCreatesAPrivateKeyAndAPublicJwks) {
  auto issuer = DevIssuer::Open(data_dir_);
  ASSERT_TRUE(issuer.has_value()) << issuer.error().ToString();
  const fs::path key = fs::path(DevIssuerDir(data_dir_)) / "key.pem";
  struct stat st{};
  ASSERT_EQ(::stat(key.c_str(), &st), 0) << key;
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "key.pem must be readable by its owner only";
  EXPECT_NE(ReadText(key).find("PRIVATE KEY"), std::string::npos);
  ASSERT_EQ(::stat(DevIssuerDir(data_dir_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << "the dev-issuer directory is private too";

  const json jwks = json::parse(ReadText(DevJwksPath(data_dir_)), nullptr, false);
  ASSERT_TRUE(jwks.is_object()) << "jwks.json is not JSON";
  ASSERT_EQ(jwks["keys"].size(), 1u);
  const json& jwk = jwks["keys"][0];
  EXPECT_EQ(jwk.value("kid", ""), issuer->kid());
  EXPECT_EQ(jwk.value("kty", ""), "RSA");
  EXPECT_EQ(jwk.value("alg", ""), "RS256");
  EXPECT_EQ(jwk.value("use", ""), "sig");
  // Public members only: the private exponent and primes stay in key.pem.
  for (const char* private_member : {"d", "p", "q", "dp", "dq", "qi"}) {
    EXPECT_FALSE(jwk.contains(private_member)) << private_member;
  }
}

TEST_F(DevIssuerTest, SecondOpenReusesTheKey) {
  auto first = DevIssuer::Open(data_dir_);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  const std::string pem = ReadText(fs::path(DevIssuerDir(data_dir_)) / "key.pem");
  auto second = DevIssuer::Open(data_dir_);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(first->kid(), second->kid());
  EXPECT_EQ(ReadText(fs::path(DevIssuerDir(data_dir_)) / "key.pem"), pem);
  // A token of the first instance verifies with the keys the second left on disk.
  const std::string token = first->Mint(DevRequest("alice"), kNow).value_or("");
  auto validator = MakeValidator(DevConfig(), clock_);
  ASSERT_TRUE(validator.has_value()) << validator.error().ToString();
  EXPECT_TRUE((*validator)->Validate(token).has_value());
}

TEST_F(DevIssuerTest, KeyReadableByOthersIsRefused) {
  ASSERT_TRUE(DevIssuer::Open(data_dir_).has_value());
  const fs::path key = fs::path(DevIssuerDir(data_dir_)) / "key.pem";
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  auto reopened = DevIssuer::Open(data_dir_);
  ASSERT_FALSE(reopened.has_value());
  EXPECT_NE(reopened.error().message.find("chmod 600"), std::string::npos)
      << reopened.error().message;
}

TEST_F(DevIssuerTest, MintedTokenIsAcceptedByTheDevValidator) {
  DevTokenRequest request;
  request.user = "alice";
  request.admin = true;
  request.scope = "Noisett.Use";
  const std::string token = Mint(request, kNow);
  auto validator = MakeValidator(DevConfig(), clock_);
  ASSERT_TRUE(validator.has_value()) << validator.error().ToString();
  auto user = (*validator)->Validate(token);
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, "alice");
  EXPECT_EQ(user->email, "alice@noisett.local");
  EXPECT_EQ(user->name, "alice");
  EXPECT_TRUE(user->tenant_id.empty());
  EXPECT_TRUE(user->is_admin());
  EXPECT_EQ(user->scopes, std::vector<std::string>{"Noisett.Use"});
  // Dev mode is announced in the log, and the token is not.
  EXPECT_GE(logs_.Count(LogLevel::kWarn, "DEV"), 1) << JoinLines(logs_.Lines());
  for (const std::string& line : logs_.Lines()) EXPECT_FALSE(ContainsTokenText(line, token)) << line;
}

TEST_F(DevIssuerTest, DevTokenExpiresAfterItsTtl) {
  DevTokenRequest request;
  request.user = "bob";
  request.ttl_s = 90;
  const std::string token = Mint(request, kNow);
  auto validator = MakeValidator(DevConfig(), clock_);
  ASSERT_TRUE(validator.has_value()) << validator.error().ToString();
  clock_.Set(kNow + 90 + kLeeway - 1);
  EXPECT_TRUE((*validator)->Validate(token).has_value());
  clock_.Set(kNow + 90 + kLeeway);
  EXPECT_TRUE(IsRefusal((*validator)->Validate(token), reason::kExpired, token));
}

TEST_F(DevIssuerTest, MintRefusesBadUsersAndTtls) {
  auto issuer = DevIssuer::Open(data_dir_);
  ASSERT_TRUE(issuer.has_value()) << issuer.error().ToString();
  for (const char* user : {"../x", "", "a/b", "alice bob", "al\xc3\xaf" "ce"}) {
    auto token = issuer->Mint(DevRequest(user), kNow);
    ASSERT_FALSE(token.has_value()) << user;
    EXPECT_EQ(token.error().code, ErrorCode::kInvalidArgument) << user;
  }
  EXPECT_FALSE(issuer->Mint(DevRequest(std::string(65, 'a')), kNow).has_value());
  EXPECT_FALSE(issuer->Mint(DevRequest("alice", 0), kNow).has_value());
  EXPECT_FALSE(issuer->Mint(DevRequest("alice", 7 * 24 * 3600 + 1), kNow).has_value());
  EXPECT_TRUE(issuer->Mint(DevRequest("alice", 7 * 24 * 3600), kNow).has_value());
}

TEST_F(DevIssuerTest, DevValidatorTrustsOnlyTheDevKeys) {
  std::string error;
  const MintedTokens* entra = Catalog(&error);
  ASSERT_NE(entra, nullptr) << error;
  auto validator = MakeValidator(DevConfig(), clock_);
  ASSERT_TRUE(validator.has_value()) << validator.error().ToString();
  // A well-formed Entra token signed by a key the dev JWKS does not hold.
  EXPECT_TRUE(IsRefusal((*validator)->Validate(entra->Token("v2")), reason::kUnknownKid));
  // A dev token from another data dir (another dev key).
  const std::string other_dir = (dir_ / "other").string();
  auto other = DevIssuer::Open(other_dir);
  ASSERT_TRUE(other.has_value()) << other.error().ToString();
  const std::string foreign = other->Mint(DevRequest("mallory"), kNow).value_or("");
  EXPECT_TRUE(IsRefusal((*validator)->Validate(foreign), reason::kUnknownKid));
}

TEST_F(DevIssuerTest, JoseVerifiesOurTokenAgainstOurJwks) {
  DevTokenRequest request;
  request.user = "alice";
  request.admin = true;
  const std::string token = Mint(request, kNow);
  const json jwks = json::parse(ReadText(DevJwksPath(data_dir_)), nullptr, false);
  const json verified = VerifyWithJose({{"token", token},
                                        {"jwks", jwks},
                                        {"issuer", std::string(kDevIssuer)},
                                        {"audience", std::string(kDevAudience)},
                                        {"algorithms", {"RS256"}},
                                        {"current_date", kNow}});
  ASSERT_TRUE(verified.value("ok", false)) << verified.dump();
  EXPECT_EQ(verified["payload"].value("oid", ""), "alice");
  EXPECT_EQ(verified["payload"].value("sub", ""), "alice");
  EXPECT_EQ(verified["payload"]["roles"], json({"Noisett.Admin"}));
  EXPECT_EQ(verified["header"].value("kid", ""), DevIssuer::Open(data_dir_)->kid());
  EXPECT_EQ(verified["header"].value("typ", ""), "JWT");

  // The cross-check can fail: jose refuses our token once it has expired, and once tampered.
  json late = {{"token", token}, {"jwks", jwks}, {"current_date", kNow + 3600 + 3600}};
  EXPECT_FALSE(VerifyWithJose(late).value("ok", true));
  std::string tampered = token;
  char& c = tampered[tampered.find('.') + 5];  // one payload character, still base64url
  c = c == 'A' ? 'B' : 'A';
  json forged = {{"token", tampered}, {"jwks", jwks}, {"current_date", kNow}};
  const json refused = VerifyWithJose(forged);
  EXPECT_FALSE(refused.value("ok", true));
  EXPECT_NE(refused.value("code", ""), "runner") << refused.dump();
}

}  // namespace
}  // namespace noisett::auth::e2e
