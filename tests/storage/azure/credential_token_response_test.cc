// Token responses: the pure parser (number and string expiries, header-safe tokens, bounds) and
// the error descriptions, then malformed answers from a loopback endpoint (no access_token,
// non-JSON, a huge body, a dropped connection) turned into clear errors.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "storage/azure/credential_test_support.h"
#include "storage/azure/managed_identity_credential.h"
#include "storage/azure/token_response.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;
using namespace noisett::storage::azure::testing;

TEST(ParseTokenResponseTest, ExpiresInAsNumberOrString) {
  auto a = ParseTokenResponse(R"({"access_token":"abc","expires_in":3599})", kT0);
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->token, "abc");
  EXPECT_EQ(a->expires_on, kT0 + 3599);
  auto b = ParseTokenResponse(R"({"access_token":"abc","expires_in":"86399"})", kT0);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->expires_on, kT0 + 86399);
}

TEST(ParseTokenResponseTest, ExpiresInWinsOverExpiresOn) {
  // A skewed issuer clock must not shorten or stretch the cache: the relative value is used.
  auto t = ParseTokenResponse(
      R"({"access_token":"abc","expires_in":"3600","expires_on":"1600000000"})", kT0);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->expires_on, kT0 + 3600);
}

TEST(ParseTokenResponseTest, ExpiresOnAloneAsNumberOrString) {
  auto a = ParseTokenResponse(R"({"access_token":"abc","expires_on":1700003600})", kT0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->expires_on, 1700003600);
  auto b = ParseTokenResponse(R"({"access_token":"abc","expires_on":"1700007200"})", kT0);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->expires_on, 1700007200);
}

TEST(ParseTokenResponseTest, RefusesMalformedBodies) {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      R"("just a string")",
      R"({"expires_in":3600})",
      R"({"access_token":42,"expires_in":3600})",
      R"({"access_token":"","expires_in":3600})",
      R"({"access_token":"two words","expires_in":3600})",
      "{\"access_token\":\"abc\\r\\nX-Injected: 1\",\"expires_in\":3600}",
      "{\"access_token\":\"caf\xc3\xa9\",\"expires_in\":3600}",
      R"({"access_token":"abc"})",
      R"({"access_token":"abc","expires_in":-5})",
      R"({"access_token":"abc","expires_in":0})",
      R"({"access_token":"abc","expires_in":"12a"})",
      R"({"access_token":"abc","expires_in":"-100"})",
      R"({"access_token":"abc","expires_in":1.5})",
      R"({"access_token":"abc","expires_in":"99999999999999999999"})",
      R"({"access_token":"abc","expires_in":999999999999})",
      R"({"access_token":"abc","expires_on":"99999999999"})",
      R"({"access_token":"abc","expires_in":true})",
  };
  for (const char* body : bad) {
    auto t = ParseTokenResponse(body, kT0);
    ASSERT_FALSE(t) << body;
    EXPECT_EQ(t.error().reason, "credential_failed") << body;
    EXPECT_EQ(t.error().message.rfind("bad token response: ", 0), 0u) << t.error().message;
  }
}

TEST(DescribeTokenErrorTest, KnownShapes) {
  EXPECT_EQ(DescribeTokenError(
                R"({"error":"invalid_client","error_description":"AADSTS7000215: x"})", {}),
            "invalid_client: AADSTS7000215: x");
  EXPECT_EQ(DescribeTokenError(R"({"error":{"code":"BadRequest","message":"no identity"}})", {}),
            "BadRequest: no identity");
  EXPECT_EQ(DescribeTokenError(R"({"statusCode":400,"message":"Invalid X-IDENTITY-HEADER"})", {}),
            "Invalid X-IDENTITY-HEADER");
  EXPECT_EQ(DescribeTokenError(R"({"error":"invalid_request"})", {}), "invalid_request");
  EXPECT_EQ(DescribeTokenError(R"({"x":1})", {}), "JSON error body without a description");
  EXPECT_EQ(DescribeTokenError("<html>oops</html>", {}), "17-byte non-JSON body");
  EXPECT_EQ(DescribeTokenError("", {}), "empty body");
}

TEST(DescribeTokenErrorTest, FoldsControlCharactersAndCaps) {
  const std::string long_text(5000, 'a');
  const std::string d = DescribeTokenError(
      R"({"error":"e","error_description":"line1\r\n\tline2\u0007 )" + long_text + R"("})", {});
  EXPECT_EQ(d.rfind("e: line1 line2? aaa", 0), 0u) << d;
  EXPECT_LE(d.size(), 410u);
  EXPECT_EQ(d.substr(d.size() - 3), "...");
}

TEST(DescribeTokenErrorTest, RedactsBeforeCutting) {
  // The secret straddles the cut: redaction must come first or half of it would survive.
  const std::string secret = "SECRETSECRETSECRET";
  const std::string body =
      R"({"error":"e","error_description":")" + std::string(390, 'x') + secret + R"("})";
  const std::string d = DescribeTokenError(body, {secret});
  EXPECT_EQ(d.find("SECRET"), std::string::npos) << d;
}

// Malformed answers from a real endpoint, through the IMDS credential.
class MalformedResponseTest : public ::testing::Test {
 protected:
  Result<AccessToken> FetchWith(Reply reply) {
    RecordingHttpServer server([reply](const RecordedRequest&) { return reply; });
    CredentialSettings s;
    s.imds_endpoint = server.BaseUrl();
    return MakeImdsCredential(s, clock_)->GetToken();
  }
  ManualClock clock_{kT0};
};

TEST_F(MalformedResponseTest, NoAccessToken) {
  auto t = FetchWith(JsonReply(200, R"({"token_type":"Bearer","expires_in":"3600"})"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().reason, "credential_failed");
  EXPECT_NE(t.error().message.find("bad token response: no access_token"), std::string::npos)
      << t.error().message;
}

TEST_F(MalformedResponseTest, NotJson) {
  auto t = FetchWith({200, {{"Content-Type", "text/html"}}, "<html>captive portal</html>"});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("bad token response: not JSON"), std::string::npos)
      << t.error().message;
}

TEST_F(MalformedResponseTest, HugeBody) {
  std::string huge = R"({"access_token":")" + std::string(4 << 20, 'a') + R"(","expires_in":1})";
  auto t = FetchWith(JsonReply(200, std::move(huge)));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().reason, "credential_failed");
  EXPECT_NE(t.error().message.find("response over 65536 bytes"), std::string::npos)
      << t.error().message;
}

TEST_F(MalformedResponseTest, DroppedConnection) {
  auto t = FetchWith(Reply{0, {}, ""});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().reason, "credential_unreachable");
}

TEST_F(MalformedResponseTest, HeaderInjectionInTokenRefused) {
  auto t = FetchWith(
      JsonReply(200, "{\"access_token\":\"abc\\r\\nHost: evil\",\"expires_in\":\"3600\"}"));
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("not printable ASCII"), std::string::npos);
}

}  // namespace
}  // namespace noisett::storage::azure
