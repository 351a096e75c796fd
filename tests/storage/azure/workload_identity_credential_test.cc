// Workload identity against a loopback Entra ID token endpoint that records the POST: the form
// body must carry the federated token from the file as the client assertion, and a rotated file
// must be read again on the next refresh.
#include "storage/azure/workload_identity_credential.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "storage/azure/credential_test_support.h"
#include "storage/azure/token_cache.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;
using namespace noisett::storage::azure::testing;

constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kClient[] = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";

// Hands out a token naming the assertion it was given, so a test sees which file content went.
Reply EntraHandler(const RecordedRequest& r) {
  const auto form = DecodeForm(r.body);
  if (r.method != "POST" || r.Path() != std::string("/") + kTenant + "/oauth2/v2.0/token") {
    return JsonReply(404, R"({"error":"not_found"})");
  }
  if (!form.count("client_assertion")) {
    return JsonReply(400, R"({"error":"invalid_request","error_description":"AADSTS900144"})");
  }
  return EntraToken("token-for-" + form.at("client_assertion"));
}

CredentialSettings Workload(const RecordingHttpServer& server, const TempFile& file) {
  CredentialSettings s;
  s.tenant_id = kTenant;
  s.client_id = kClient;
  s.federated_token_file = file.path();
  s.authority_host = server.BaseUrl();
  return s;
}

TEST(WorkloadIdentityCredentialTest, PostsTheFederatedTokenAsClientAssertion) {
  RecordingHttpServer server(EntraHandler);
  TempFile file("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln\n");
  ManualClock clock(kT0);
  auto credential = MakeWorkloadIdentityCredential(Workload(server, file), clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "token-for-eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln");
  EXPECT_EQ(token->expires_on, kT0 + 3600);

  ASSERT_EQ(server.Requests().size(), 1u);
  const RecordedRequest r = server.Requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.Header("Content-Type"), "application/x-www-form-urlencoded");
  std::map<std::string, int> count;
  const auto form = DecodeForm(r.body, &count);
  EXPECT_EQ(form.at("client_id"), kClient);
  EXPECT_EQ(form.at("scope"), "https://storage.azure.com/.default");
  EXPECT_EQ(form.at("grant_type"), "client_credentials");
  EXPECT_EQ(form.at("client_assertion_type"),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(form.at("client_assertion"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2ln");
  EXPECT_EQ(form.size(), 5u);
  for (const auto& [name, n] : count) EXPECT_EQ(n, 1) << name << " sent twice";
  EXPECT_EQ(credential->Describe(), "workload identity (client 0d1e2f3a...)");
}

TEST(WorkloadIdentityCredentialTest, AuthorityHostWithTrailingSlash) {
  RecordingHttpServer server(EntraHandler);
  TempFile file("assertion");
  ManualClock clock(kT0);
  CredentialSettings s = Workload(server, file);
  s.authority_host += "/";
  auto token = MakeWorkloadIdentityCredential(s, clock)->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(server.Requests().at(0).target, std::string("/") + kTenant + "/oauth2/v2.0/token");
}

TEST(WorkloadIdentityCredentialTest, RotatedTokenFileIsReadAgainOnRefresh) {
  RecordingHttpServer server(EntraHandler);
  TempFile file("assertion-one");
  ManualClock clock(kT0);
  auto credential =
      MakeCachedCredential(MakeWorkloadIdentityCredential(Workload(server, file), clock), clock);
  auto first = credential->GetToken();
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->token, "token-for-assertion-one");

  file.Write("assertion-two");  // Kubernetes rotated the projected token
  clock.Advance(3600 - 240);    // inside the last five minutes: refresh
  auto second = credential->GetToken();
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->token, "token-for-assertion-two");
  ASSERT_EQ(server.Requests().size(), 2u);
  EXPECT_EQ(DecodeForm(server.Requests()[1].body).at("client_assertion"), "assertion-two");
}

TEST(WorkloadIdentityCredentialTest, MissingOrEmptyFileFailsWithoutARequest) {
  RecordingHttpServer server(EntraHandler);
  ManualClock clock(kT0);
  TempFile empty("  \n");
  CredentialSettings s = Workload(server, empty);
  auto token = MakeWorkloadIdentityCredential(s, clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().reason, "credential_failed");
  EXPECT_NE(token.error().message.find("empty"), std::string::npos) << token.error().message;

  s.federated_token_file = "/nonexistent/noisett/token";
  token = MakeWorkloadIdentityCredential(s, clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("/nonexistent/noisett/token"), std::string::npos);
  EXPECT_TRUE(server.Requests().empty());
}

TEST(WorkloadIdentityCredentialTest, TenantCannotRewriteThePath) {
  RecordingHttpServer server(EntraHandler);
  TempFile file("assertion");
  ManualClock clock(kT0);
  for (const char* tenant : {"../other/oauth2", "a/b", "tenant?x=1", "..", ""}) {
    CredentialSettings s = Workload(server, file);
    s.tenant_id = tenant;
    auto token = MakeWorkloadIdentityCredential(s, clock)->GetToken();
    ASSERT_FALSE(token) << tenant;
    EXPECT_EQ(token.error().reason, "credential_failed") << tenant;
  }
  EXPECT_TRUE(server.Requests().empty());
}

TEST(WorkloadIdentityCredentialTest, RefusalNeverQuotesTheAssertion) {
  // An endpoint that echoes the assertion it received into its error text.
  RecordingHttpServer server([](const RecordedRequest& r) {
    return JsonReply(
        401, std::string(R"({"error":"invalid_client","error_description":"AADSTS700213: )") +
                 "No matching federated identity record found for presented assertion " +
                 DecodeForm(r.body).at("client_assertion") + R"("})");
  });
  TempFile file("secret.assertion.jwt");
  ManualClock clock(kT0);
  auto token = MakeWorkloadIdentityCredential(Workload(server, file), clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(token.error().message.find("AADSTS700213"), std::string::npos);
  EXPECT_EQ(token.error().message.find("secret.assertion.jwt"), std::string::npos)
      << token.error().message;
}

}  // namespace
}  // namespace noisett::storage::azure
