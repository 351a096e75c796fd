// Client secret against a loopback Entra ID token endpoint: the form body of the grant, and the
// secret never appearing in an error message, even when the endpoint quotes it back.
#include "storage/azure/client_secret_credential.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "storage/azure/credential_test_support.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;
using namespace noisett::storage::azure::testing;

constexpr char kSecret[] = "Zx8Q~s3cr3t+value/with=specials&more";

CredentialSettings Secret(const std::string& authority) {
  CredentialSettings s;
  s.tenant_id = "contoso.onmicrosoft.com";
  s.client_id = "app-client-id";
  s.client_secret = kSecret;
  s.authority_host = authority;
  return s;
}

TEST(ClientSecretCredentialTest, PostsClientCredentialsGrant) {
  RecordingHttpServer server([](const RecordedRequest& r) {
    if (DecodeForm(r.body)["client_secret"] != kSecret) {
      return JsonReply(401, R"({"error":"invalid_client"})");
    }
    return EntraToken("secret-token", 3599);
  });
  ManualClock clock(kT0);
  auto credential = MakeClientSecretCredential(Secret(server.BaseUrl()), clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "secret-token");
  EXPECT_EQ(token->expires_on, kT0 + 3599);
  ASSERT_EQ(server.Requests().size(), 1u);
  const RecordedRequest r = server.Requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(r.Header("Content-Type"), "application/x-www-form-urlencoded");
  const auto form = DecodeForm(r.body);
  EXPECT_EQ(form.at("client_id"), "app-client-id");
  EXPECT_EQ(form.at("client_secret"), kSecret);  // special characters survive the encoding
  EXPECT_EQ(form.at("scope"), "https://storage.azure.com/.default");
  EXPECT_EQ(form.at("grant_type"), "client_credentials");
  EXPECT_EQ(form.count("client_assertion"), 0u);
  EXPECT_EQ(r.target.find("secret"), std::string::npos) << "the secret stays out of the URL";
  EXPECT_EQ(credential->Describe().find(kSecret), std::string::npos);
}

TEST(ClientSecretCredentialTest, RefusalHasAadDescriptionButNotTheSecret) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return JsonReply(
        401,
        std::string(R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid )") +
            R"(client secret provided. Ensure the secret being sent in the request is the )" +
            R"(client secret value, not the client secret ID.\r\nTrace ID: 0000\r\n)" +
            R"(Correlation ID: 1111","error_codes":[7000215]})");
  });
  ManualClock clock(kT0);
  auto token = MakeClientSecretCredential(Secret(server.BaseUrl()), clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(token.error().reason, "credential_failed");
  const std::string& m = token.error().message;
  EXPECT_NE(m.find("HTTP 401: invalid_client: AADSTS7000215: Invalid client secret provided."),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find(kSecret), std::string::npos) << m;
  EXPECT_EQ(m.find('\r'), std::string::npos) << "control characters are folded";
}

TEST(ClientSecretCredentialTest, SecretQuotedBackByTheEndpointIsRedacted) {
  // Raw and form-encoded: an endpoint echoing the request body could quote either.
  RecordingHttpServer server([](const RecordedRequest& r) {
    return JsonReply(400, R"({"error":"invalid_request","error_description":"raw=)" +
                              DecodeForm(r.body).at("client_secret") + " body=" + r.body + R"("})");
  });
  ManualClock clock(kT0);
  auto token = MakeClientSecretCredential(Secret(server.BaseUrl()), clock)->GetToken();
  ASSERT_FALSE(token);
  const std::string& m = token.error().message;
  EXPECT_EQ(m.find(kSecret), std::string::npos) << m;
  EXPECT_EQ(m.find("Zx8Q"), std::string::npos) << m;
  EXPECT_NE(m.find("raw=[redacted]"), std::string::npos) << m;
}

TEST(ClientSecretCredentialTest, ServerErrorIsUnavailable) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return JsonReply(503, R"({"error":"temporarily_unavailable"})");
  });
  ManualClock clock(kT0);
  auto token = MakeClientSecretCredential(Secret(server.BaseUrl()), clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(token.error().reason, "credential_unreachable");
  EXPECT_NE(token.error().message.find("HTTP 503: temporarily_unavailable"), std::string::npos);
}

TEST(ClientSecretCredentialTest, SecretIsNeverSentOverPlainHttpToAnotherHost) {
  ManualClock clock(kT0);
  auto token = MakeClientSecretCredential(Secret("http://login.example.com"), clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().reason, "credential_failed");  // refused before connecting
  EXPECT_NE(token.error().message.find("must be https"), std::string::npos)
      << token.error().message;
}

}  // namespace
}  // namespace noisett::storage::azure
