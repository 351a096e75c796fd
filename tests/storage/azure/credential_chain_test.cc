// The default chain (MakeDefaultCredential) against loopback endpoints: which credential wins,
// that the winner is kept for good, that a chain where nothing answers fails promptly with every
// attempt named, that no secret reaches a message or a log line, and the environment settings.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "core/clock.h"
#include "storage/azure/credential.h"
#include "storage/azure/credential_test_support.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;
using namespace noisett::storage::azure::testing;

constexpr char kSecret[] = "chain-client-secret-value";
constexpr char kAssertion[] = "federated.assertion.jwt";

Reply Imds(const RecordedRequest& r) {
  if (r.Header("Metadata") != "true") return JsonReply(400, R"({"error":"invalid_request"})");
  return ImdsToken("from-imds", kT0);
}

Reply Entra(const RecordedRequest& r) {
  const auto form = DecodeForm(r.body);
  return EntraToken(form.count("client_assertion") ? "from-workload" : "from-secret");
}

TEST(CredentialChainTest, OnlyImdsReachableChoosesManagedIdentity) {
  RecordingHttpServer imds(Imds);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.imds_endpoint = imds.BaseUrl();
  auto credential = MakeDefaultCredential(s, clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "from-imds");
  EXPECT_EQ(credential->Describe(), "managed identity (IMDS)");
}

TEST(CredentialChainTest, WorkloadIdentityGoesFirstWhenConfigured) {
  RecordingHttpServer entra(Entra);
  RecordingHttpServer imds(Imds);
  TempFile file(kAssertion);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.tenant_id = "tenant";
  s.client_id = "client";
  s.client_secret = kSecret;
  s.federated_token_file = file.path();
  s.authority_host = entra.BaseUrl();
  s.imds_endpoint = imds.BaseUrl();
  auto credential = MakeDefaultCredential(s, clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "from-workload");
  EXPECT_EQ(imds.Requests().size(), 0u);
  EXPECT_EQ(entra.Requests().size(), 1u);
  EXPECT_NE(credential->Describe().find("workload identity"), std::string::npos);
}

TEST(CredentialChainTest, FallsThroughToClientSecretAndKeepsIt) {
  RecordingHttpServer entra(Entra);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.tenant_id = "tenant";
  s.client_id = "client";
  s.client_secret = kSecret;
  s.authority_host = entra.BaseUrl();
  s.imds_endpoint = ClosedLoopbackUrl();
  auto credential = MakeDefaultCredential(s, clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "from-secret");
  EXPECT_NE(credential->Describe().find("client secret"), std::string::npos);
}

TEST(CredentialChainTest, TheFirstThatWorksIsKeptForGood) {
  RecordingHttpServer imds(Imds);
  RecordingHttpServer entra(Entra);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.tenant_id = "tenant";
  s.client_id = "client";
  s.client_secret = kSecret;
  s.authority_host = entra.BaseUrl();
  s.imds_endpoint = imds.BaseUrl();
  auto credential = MakeDefaultCredential(s, clock);
  ASSERT_TRUE(credential->GetToken());
  EXPECT_EQ(credential->Describe(), "managed identity (IMDS)");

  // IMDS now fails; past the token's expiry the error is IMDS's, not a silent switch of identity.
  imds.SetHandler([](const RecordedRequest&) {
    return JsonReply(400,
                     R"({"error":"invalid_request","error_description":"Identity not found"})");
  });
  clock.Advance(3600);
  auto token = credential->GetToken();
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("Identity not found"), std::string::npos);
  EXPECT_EQ(entra.Requests().size(), 0u);
}

TEST(CredentialChainTest, NothingReachableNamesEveryAttemptPromptly) {
  const std::string closed = ClosedLoopbackUrl();
  TempFile file(kAssertion);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.tenant_id = "tenant";
  s.client_id = "client-id-1234567890";
  s.client_secret = kSecret;
  s.federated_token_file = file.path();
  s.authority_host = closed;
  s.imds_endpoint = closed;
  LogCapture logs;
  const auto start = std::chrono::steady_clock::now();
  auto token = MakeDefaultCredential(s, clock)->GetToken();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(token);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  EXPECT_EQ(token.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(token.error().reason, "credential_unreachable");
  const std::string& m = token.error().message;
  EXPECT_NE(m.find("workload identity (client client-i...)"), std::string::npos) << m;
  EXPECT_NE(m.find("managed identity (IMDS): "), std::string::npos) << m;
  EXPECT_NE(m.find("client secret (client client-i...)"), std::string::npos) << m;
  EXPECT_NE(m.find(closed + "/tenant/oauth2/v2.0/token"), std::string::npos) << m;
  for (const std::string& text : {m, logs.All()}) {
    EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
    EXPECT_EQ(text.find(kAssertion), std::string::npos) << text;
  }
}

TEST(CredentialChainTest, RefusedAndUnreachableTogetherIsUnauthenticated) {
  RecordingHttpServer entra([](const RecordedRequest&) {
    return JsonReply(401, R"({"error":"invalid_client","error_description":"AADSTS7000215"})");
  });
  ManualClock clock(kT0);
  CredentialSettings s;
  s.tenant_id = "tenant";
  s.client_id = "client";
  s.client_secret = kSecret;
  s.authority_host = entra.BaseUrl();
  s.imds_endpoint = ClosedLoopbackUrl();
  LogCapture logs;
  auto token = MakeDefaultCredential(s, clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(token.error().message.find("AADSTS7000215"), std::string::npos);
  EXPECT_EQ(token.error().message.find(kSecret), std::string::npos);
  EXPECT_EQ(logs.All().find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace noisett::storage::azure
