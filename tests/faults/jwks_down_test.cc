// The identity provider's JWKS endpoint goes down while `serve --auth required` runs: tokens
// signed by keys it already loaded keep working (reads and uploads), even right after a token with
// an unknown kid made it try, and fail, to refetch the set; the unknown kid gets a clean 401
// unknown_kid, never a 5xx or a crash. Tokens are minted by npm `jose` with the real clock.
#include "auth/jose_tokens.h"
#include "core/clock.h"
#include "faults/fault_fixture.h"
#include "support/loopback_http_server.h"

namespace noisett::faults {
namespace {

namespace jose = noisett::auth::e2e;

using JwksDownTest = FaultsTest;

TEST_F(JwksDownTest, KnownKeysKeepWorkingWhileTheJwksEndpointIsDown) {
  const int64_t now = SystemClock::Instance().NowSeconds();
  const Json times = {{"iat", now - 60}, {"nbf", now - 60}, {"exp", now + 3600}};
  const Json claims = jose::With(jose::V2Claims(), times);
  const Json request = {{"keys",
                         {{{"kid", "rsa-1"}, {"kty", "RSA"}, {"alg", "RS256"}},
                          {{"kid", "rsa-2"}, {"kty", "RSA"}, {"alg", "RS256"}}}},
                        {"tokens",
                         {jose::TokenSpec("known", "rsa-1", "RS256", claims),
                          jose::TokenSpec("rotated", "rsa-2", "RS256", claims)}}};
  jose::MintedTokens minted;
  std::string error;
  ASSERT_TRUE(jose::MintWithJose(request, minted, error, /*keep=*/false)) << error;
  const std::string known = minted.Token("known");
  const std::string rotated = minted.Token("rotated");

  noisett::testing::LoopbackHttpServer idp;
  idp.SetBody("/keys", minted.JwksOf({"rsa-1"}));
  const std::string log = (noisett_->root() / "serve.log").string();
  ASSERT_EQ(noisett_->process().Start(
                {"--auth", "required", "--tenant-id", jose::kTenant, "--client-id", jose::kClientId,
                 "--jwks-url", idp.Url("/keys"), "--data-dir", noisett_->data_dir()},
                log),
            "");
  ASSERT_EQ(Call("GET", "/api/history", known).status, 200);
  ASSERT_GE(idp.Hits("/keys"), 1);

  idp.Stop();
  // An unknown kid makes the cache refetch, which fails: a plain refusal, the old keys kept.
  const RawResponse refused = Call("GET", "/api/history", rotated);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(ErrorCodeOf(refused), "unknown_kid") << refused.body;
  for (int i = 0; i < 5; ++i) {
    const RawResponse r = Call("GET", "/api/history", known);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  const RawResponse upload = Upload(known, Png(120, 90));
  EXPECT_EQ(upload.status, 201) << upload.body;
  ExpectAlive();
  EXPECT_NE(noisett_->process().Log().find("keeping the"), std::string::npos)
      << "the failed refetch should be logged; log:\n"
      << noisett_->process().Log();
}

}  // namespace
}  // namespace noisett::faults
