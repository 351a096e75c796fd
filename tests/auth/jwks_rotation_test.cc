// The JWKS cache against a real HTTP server on loopback: key rotation costs exactly one refetch,
// a flood of made-up kids costs at most one fetch per unknown-kid window, a JWKS server that is
// down leaves the known keys working (and is logged, without tokens), and OpenID discovery finds
// the keys through jwks_uri and finds them again when they move.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "auth/e2e_fixture.h"
#include "auth/jwks_source.h"
#include "core/base64.h"

namespace noisett::auth::e2e {
namespace {

using nlohmann::json;

class JwksRotationTest : public AuthE2eTest {
 protected:
  // `count` copies of `token` whose header names a random kid that no JWKS has. The signature no
  // longer matches, which does not matter: the kid is looked up before the signature is checked,
  // and 1000 real RS256 signatures in node would only slow the suite down.
  std::vector<std::string> WithRandomKids(const std::string& token, int count, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::string> out;
    const std::string rest = token.substr(token.find('.'));
    for (int i = 0; i < count; ++i) {
      const json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "made-up-" + std::to_string(rng())}};
      out.push_back(Base64UrlEncode(header.dump()) + rest);
    }
    return out;
  }

  int64_t UnknownKidInterval() const { return JwksCacheOptions{}.unknown_kid_interval_s; }
};

TEST_F(JwksRotationTest, RotatedKeyAcceptedAfterExactlyOneRefetch) {
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-1"}));
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  EXPECT_EQ(server_.Hits("/keys"), 1);  // the first fetch, at start
  ASSERT_TRUE(validator->Validate(Token("v2")).has_value());
  EXPECT_EQ(server_.Hits("/keys"), 1);

  // The issuer publishes rsa-2 next to rsa-1 and starts signing with it.
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-1", "rsa-2"}));
  auto user = validator->Validate(Token("v2_rsa2"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);
  EXPECT_EQ(server_.Hits("/keys"), 2);
  EXPECT_EQ(validator->keys().key_count(), 2u);

  // Both keys are known now: no more fetches, cached or not.
  EXPECT_TRUE(validator->ValidateUncached(Token("v2_rsa2")).has_value());
  EXPECT_TRUE(validator->ValidateUncached(Token("v2")).has_value());
  EXPECT_EQ(server_.Hits("/keys"), 2);
}

TEST_F(JwksRotationTest, FloodOfUnknownKidsCostsOneFetchPerWindow) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  ASSERT_EQ(server_.Hits("/keys"), 1);
  for (const std::string& token : WithRandomKids(Token("v2"), 1000, 1)) {
    ASSERT_TRUE(IsRefusal(validator->Validate(token), reason::kUnknownKid));
  }
  const int after_flood = server_.Hits("/keys");
  EXPECT_LE(after_flood - 1, 1) << "more than one fetch for 1000 unknown kids in one window";

  // Still inside the window, a second later: nothing.
  clock_.Advance(UnknownKidInterval() - 1);
  for (const std::string& token : WithRandomKids(Token("v2"), 10, 2)) {
    ASSERT_TRUE(IsRefusal(validator->Validate(token), reason::kUnknownKid));
  }
  EXPECT_EQ(server_.Hits("/keys"), after_flood);

  // Past the window: exactly one more fetch, however many unknown kids arrive.
  clock_.Advance(1);
  for (const std::string& token : WithRandomKids(Token("v2"), 1000, 3)) {
    ASSERT_TRUE(IsRefusal(validator->Validate(token), reason::kUnknownKid));
  }
  EXPECT_EQ(server_.Hits("/keys"), after_flood + 1);
  EXPECT_EQ(validator->keys().fetch_count(), uint64_t(after_flood + 1));
  // The known key never stopped working.
  EXPECT_TRUE(validator->ValidateUncached(Token("v2")).has_value());
}

TEST_F(JwksRotationTest, ConcurrentUnknownKidsShareOneFetch) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  // A slow JWKS server makes the threads meet while the one refetch is in flight.
  server_.SetResponseDelay(std::chrono::milliseconds(200));
  const std::vector<std::string> tokens = WithRandomKids(Token("v2"), 800, 4);
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = size_t(t); i < tokens.size(); i += 8) {
        auto r = validator->Validate(tokens[i]);
        if (!r && r.error().reason == reason::kUnknownKid) ++refused;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(refused.load(), 800);
  EXPECT_LE(server_.Hits("/keys"), 2);
}

TEST_F(JwksRotationTest, ServerDownKeepsKnownKeysAndLogsTheFailure) {
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-1", "rsa-2"}));
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  server_.Stop();

  // Known kids validate with no server (neither token was seen before: no token cache here).
  EXPECT_TRUE(validator->Validate(Token("v2")).has_value());
  EXPECT_TRUE(validator->Validate(Token("v2_rsa2")).has_value());
  // An unknown kid tries a refetch, which fails; that is logged, and the keys stay.
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("unknown_kid")), reason::kUnknownKid,
                        Token("unknown_kid")));
  auto refresh = validator->keys().Refresh();
  ASSERT_FALSE(refresh.has_value());
  EXPECT_EQ(refresh.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(validator->keys().key_count(), 2u);
  EXPECT_TRUE(validator->ValidateUncached(Token("v2_rsa2")).has_value());
  EXPECT_GE(logs_.Count(LogLevel::kWarn, "JWKS"), 2)
      << "every failed fetch is logged at WARN or above; lines:\n"
      << JoinLines(logs_.Lines());
  EXPECT_GE(logs_.Count(LogLevel::kWarn, server_.Url("/keys")), 1)
      << "the log names the source that failed";
  // TearDown checks that no log line holds any token.
}

TEST_F(JwksRotationTest, ServerDownAtStartIsLoggedAndRecoveredFrom) {
  server_.Stop();
  auto validator = MakeEntraValidator();  // the first fetch fails: logged, not fatal
  ASSERT_NE(validator, nullptr);
  EXPECT_GE(logs_.Count(LogLevel::kWarn, "JWKS"), 1) << JoinLines(logs_.Lines());
  EXPECT_TRUE(IsRefusal(validator->Validate(Token("v2")), reason::kUnknownKid));
  // The server comes back: the next window's refetch loads the keys.
  ASSERT_TRUE(server_.Restart());
  clock_.Advance(UnknownKidInterval());
  auto user = validator->Validate(Token("v2"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
}

TEST_F(JwksRotationTest, BrokenJwksDocumentKeepsTheLastGoodKeys) {
  auto validator = MakeEntraValidator();
  ASSERT_NE(validator, nullptr);
  for (const std::string& broken :
       {std::string("not json"), std::string(R"({"keys":[]})"), std::string(R"({"nokeys":1})")}) {
    server_.SetBody("/keys", broken);
    EXPECT_FALSE(validator->keys().Refresh().has_value()) << broken;
    EXPECT_TRUE(validator->ValidateUncached(Token("v2")).has_value()) << broken;
  }
  // Over the 1 MiB cap on a JWKS document.
  server_.SetBody("/keys", R"({"keys":[],"pad":")" + std::string(2 << 20, 'x') + R"("})");
  EXPECT_FALSE(validator->keys().Refresh().has_value());
  EXPECT_TRUE(validator->ValidateUncached(Token("v2")).has_value());
  server_.SetBody("/keys", "oops", 500, "text/plain");
  EXPECT_FALSE(validator->keys().Refresh().has_value());
  EXPECT_TRUE(validator->ValidateUncached(Token("v2")).has_value());
}

// The server's configuration: background refresh on. The refresh thread must not hold up
// shutdown (it sleeps for a day between refreshes) nor leak (ASan/LSan build).
TEST_F(JwksRotationTest, BackgroundRefreshStopsPromptly) {
  AuthConfig config = EntraConfig(server_.Url("/keys"));
  config.cache = JwksCacheOptions{};
  ASSERT_TRUE(config.cache.background_refresh);
  auto validator = MakeEntraValidator(config);
  ASSERT_NE(validator, nullptr);
  EXPECT_TRUE(validator->Validate(Token("v2")).has_value());
  const auto start = std::chrono::steady_clock::now();
  validator.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(server_.Hits("/keys"), 1);
}

// Discovery: the openid-configuration document names jwks_uri; the keys come from there.
class DiscoveryTest : public AuthE2eTest {
 protected:
  void SetUp() override {
    AuthE2eTest::SetUp();
    if (HasFatalFailure()) return;
    server_.SetBody("/keys", tokens_->JwksOf({"rsa-1"}));
    SetJwksUri("/keys");
  }

  void SetJwksUri(const std::string& path) {
    server_.SetBody(kDiscoveryPath, json{{"issuer", V2Issuer()},
                                         {"jwks_uri", server_.Url(path)},
                                         {"id_token_signing_alg_values_supported", {"RS256"}}}
                                        .dump());
  }

  std::unique_ptr<TokenValidator> MakeDiscoveryValidator() {
    auto resolved = ResolveAuthConfig(EntraConfig(server_.Url("/unused")));
    if (!resolved) {
      ADD_FAILURE() << resolved.error().ToString();
      return nullptr;
    }
    JwksCacheOptions options;
    options.background_refresh = false;
    auto cache = std::make_shared<JwksCache>(
        MakeDiscoveryJwksSource(server_.Url(kDiscoveryPath)), clock_, options);
    EXPECT_TRUE(cache->Start().has_value());
    return std::make_unique<TokenValidator>(resolved->validator, cache, clock_);
  }

  static constexpr const char* kDiscoveryPath = "/tenant/v2.0/.well-known/openid-configuration";
};

TEST_F(DiscoveryTest, KeysComeFromTheDiscoveredJwksUri) {
  auto validator = MakeDiscoveryValidator();
  ASSERT_NE(validator, nullptr);
  EXPECT_EQ(server_.Hits(kDiscoveryPath), 1);
  EXPECT_EQ(server_.Hits("/keys"), 1);
  auto user = validator->Validate(Token("v2"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->user_id, kOid);

  // Rotation through discovery: the remembered jwks_uri is refetched, discovery is not.
  server_.SetBody("/keys", tokens_->JwksOf({"rsa-1", "rsa-2"}));
  EXPECT_TRUE(validator->Validate(Token("v2_rsa2")).has_value());
  EXPECT_EQ(server_.Hits(kDiscoveryPath), 1);
  EXPECT_EQ(server_.Hits("/keys"), 2);
}

TEST_F(DiscoveryTest, MovedJwksUriIsRediscovered) {
  auto validator = MakeDiscoveryValidator();
  ASSERT_NE(validator, nullptr);
  // The issuer moves its keys: the old URI now 404s, discovery names the new one.
  server_.RemovePath("/keys");
  server_.SetBody("/keys-v2", tokens_->JwksOf({"rsa-1", "rsa-2"}));
  SetJwksUri("/keys-v2");
  auto user = validator->Validate(Token("v2_rsa2"));
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(server_.Hits("/keys"), 2);  // the start, then the failed refetch
  EXPECT_EQ(server_.Hits(kDiscoveryPath), 2);
  EXPECT_EQ(server_.Hits("/keys-v2"), 1);
}

TEST_F(DiscoveryTest, DiscoveryDocumentWithoutJwksUriFails) {
  server_.SetBody(kDiscoveryPath, R"({"issuer":"x"})");
  auto source = MakeDiscoveryJwksSource(server_.Url(kDiscoveryPath));
  auto doc = source->Fetch();
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kUnavailable);
}

TEST_F(DiscoveryTest, DiscoveredJwksUriMustUseTls) {
  // A discovery document (or whoever tampered with it) cannot send us to plain http elsewhere.
  server_.SetBody(kDiscoveryPath, json{{"jwks_uri", "http://example.com/keys"}}.dump());
  auto source = MakeDiscoveryJwksSource(server_.Url(kDiscoveryPath));
  auto doc = source->Fetch();
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("example.com"), std::string::npos) << doc.error().ToString();
}

TEST_F(DiscoveryTest, UrlSourceRefusesPlainHttpToANonLoopbackHost) {
  // Key material must come over TLS; loopback http is the one exception (these tests).
  AuthConfig config = EntraConfig("http://example.com/keys");
  auto resolved = ResolveAuthConfig(config);
  ASSERT_FALSE(resolved.has_value());
  EXPECT_EQ(resolved.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace noisett::auth::e2e
