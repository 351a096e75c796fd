// Managed identity against a loopback server that checks requests the way IMDS and the App
// Service / Container Apps identity endpoint do (header, resource, api-version) and refuses
// anything else, so a token only comes back for a correctly shaped request.
#include "storage/azure/managed_identity_credential.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/clock.h"
#include "net/http_client.h"
#include "storage/azure/credential_test_support.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;
using namespace noisett::storage::azure::testing;

constexpr char kIdentityHeader[] = "3c1f0a8e-identity-header-secret";

// IMDS as documented: GET /metadata/identity/oauth2/token, Metadata: true, api-version and the
// storage resource; 400 with an error body otherwise.
Reply ImdsHandler(const RecordedRequest& r) {
  const auto query = DecodeForm(r.Query());
  auto get = [&](const char* k) { return query.count(k) ? query.at(k) : std::string(); };
  if (r.method != "GET" || r.Path() != "/metadata/identity/oauth2/token") {
    return JsonReply(404, R"({"error":"not_found"})");
  }
  if (r.Header("Metadata") != "true") {
    return JsonReply(400, std::string(R"({"error":"invalid_request",)") +
                              R"("error_description":"Required metadata header not specified"})");
  }
  if (get("api-version") != "2018-02-01" || get("resource") != "https://storage.azure.com/") {
    return JsonReply(
        400, R"({"error":"invalid_request","error_description":"bad api-version or resource"})");
  }
  return ImdsToken("imds-token-" + get("client_id"), kT0);
}

Reply AppServiceHandler(const RecordedRequest& r) {
  const auto query = DecodeForm(r.Query());
  auto get = [&](const char* k) { return query.count(k) ? query.at(k) : std::string(); };
  if (r.Header("X-IDENTITY-HEADER") != kIdentityHeader) {
    return JsonReply(400, R"({"statusCode":400,"message":"Invalid X-IDENTITY-HEADER"})");
  }
  if (r.Path() != "/msi/token" || get("api-version") != "2019-08-01" ||
      get("resource") != "https://storage.azure.com/") {
    return JsonReply(400, R"({"statusCode":400,"message":"bad request"})");
  }
  // App Service 2019-08-01 answers expires_on (Unix seconds, a string) and no expires_in.
  return JsonReply(200, R"({"access_token":"app-token-)" + get("client_id") +
                            R"(","expires_on":")" + std::to_string(kT0 + 7200) +
                            R"(","resource":"https://storage.azure.com/","token_type":"Bearer"})");
}

CredentialSettings ImdsAt(const RecordingHttpServer& server, std::string client_id = "") {
  CredentialSettings s;
  s.imds_endpoint = server.BaseUrl();
  s.identity_client_id = std::move(client_id);
  return s;
}

TEST(ImdsCredentialTest, SendsMetadataHeaderAndStorageResource) {
  RecordingHttpServer server(ImdsHandler);
  ManualClock clock(kT0);
  auto credential = MakeImdsCredential(ImdsAt(server), clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "imds-token-");
  EXPECT_EQ(token->expires_on, kT0 + 3600);
  ASSERT_EQ(server.Requests().size(), 1u);
  const RecordedRequest r = server.Requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.Header("Metadata"), "true");
  EXPECT_EQ(DecodeForm(r.Query()).count("client_id"), 0u) << "system-assigned sends no client_id";

  // The server's check is real: the same URL without the header is refused.
  auto bare = net::HttpGet(server.BaseUrl() + r.target);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 400);
}

TEST(ImdsCredentialTest, UserAssignedIdentityPassesClientId) {
  RecordingHttpServer server(ImdsHandler);
  ManualClock clock(kT0);
  auto credential =
      MakeImdsCredential(ImdsAt(server, "11112222-aaaa-bbbb-cccc-333344445555"), clock);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "imds-token-11112222-aaaa-bbbb-cccc-333344445555");
  EXPECT_EQ(DecodeForm(server.Requests().at(0).Query()).at("client_id"),
            "11112222-aaaa-bbbb-cccc-333344445555");
  EXPECT_NE(credential->Describe().find("IMDS, client 11112222..."), std::string::npos)
      << credential->Describe();
}

TEST(ImdsCredentialTest, TrailingSlashOnEndpointIsTolerated) {
  RecordingHttpServer server(ImdsHandler);
  ManualClock clock(kT0);
  CredentialSettings s = ImdsAt(server);
  s.imds_endpoint += "/";
  auto token = MakeImdsCredential(s, clock)->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(server.Requests().at(0).Path(), "/metadata/identity/oauth2/token");
}

TEST(ImdsCredentialTest, RefusalCarriesTheServiceErrorText) {
  RecordingHttpServer server([](const RecordedRequest&) {
    return JsonReply(400,
                     R"({"error":"invalid_request","error_description":"Identity not found"})");
  });
  ManualClock clock(kT0);
  auto token = MakeImdsCredential(ImdsAt(server), clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(token.error().reason, "credential_failed");
  EXPECT_NE(token.error().message.find("HTTP 400: invalid_request: Identity not found"),
            std::string::npos)
      << token.error().message;
}

TEST(ImdsCredentialTest, AbsentImdsFailsFast) {
  CredentialSettings s;
  s.imds_endpoint = ClosedLoopbackUrl();
  ManualClock clock(kT0);
  const auto start = std::chrono::steady_clock::now();
  auto token = MakeImdsCredential(s, clock)->GetToken();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(token.error().reason, "credential_unreachable");
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(ImdsCredentialTest, PlainHttpOnlyToLoopbackOrTheImdsAddress) {
  ManualClock clock(kT0);
  for (const char* endpoint : {"http://10.0.0.5", "http://169.254.169.254.attacker.example",
                               "http://169.254.169.254@attacker.example", "ftp://127.0.0.1"}) {
    CredentialSettings s;
    s.imds_endpoint = endpoint;
    auto token = MakeImdsCredential(s, clock)->GetToken();
    ASSERT_FALSE(token) << endpoint;
    // Refused before any connection: a network attempt would be "credential_unreachable".
    EXPECT_EQ(token.error().reason, "credential_failed")
        << endpoint << ": " << token.error().message;
  }
}

TEST(AppServiceIdentityCredentialTest, SendsIdentityHeader) {
  RecordingHttpServer server(AppServiceHandler);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.identity_endpoint = server.Url("/msi/token");
  s.identity_header = kIdentityHeader;
  auto credential = MakeManagedIdentityCredential(s, clock);
  EXPECT_NE(credential->Describe().find("App Service"), std::string::npos);
  auto token = credential->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "app-token-");
  EXPECT_EQ(token->expires_on, kT0 + 7200);  // from expires_on, a numeric string
  ASSERT_EQ(server.Requests().size(), 1u);
  const RecordedRequest r = server.Requests()[0];
  EXPECT_EQ(r.Header("X-IDENTITY-HEADER"), kIdentityHeader);
  EXPECT_FALSE(r.HasHeader("Metadata"));

  // The server's check is real: without the header the same request is refused.
  auto bare = net::HttpGet(server.BaseUrl() + r.target);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 400);
}

TEST(AppServiceIdentityCredentialTest, UserAssignedIdentityPassesClientId) {
  RecordingHttpServer server(AppServiceHandler);
  ManualClock clock(kT0);
  CredentialSettings s;
  s.identity_endpoint = server.Url("/msi/token");
  s.identity_header = kIdentityHeader;
  s.identity_client_id = "user-assigned-id";
  auto token = MakeAppServiceIdentityCredential(s, clock)->GetToken();
  ASSERT_TRUE(token) << token.error().ToString();
  EXPECT_EQ(token->token, "app-token-user-assigned-id");
  EXPECT_EQ(DecodeForm(server.Requests().at(0).Query()).at("client_id"), "user-assigned-id");
}

TEST(AppServiceIdentityCredentialTest, WrongHeaderIsRefusedAndNeverQuoted) {
  // A misbehaving endpoint that quotes the header it got back in its error.
  RecordingHttpServer server([](const RecordedRequest& r) {
    return JsonReply(401, R"({"statusCode":401,"message":"header )" +
                              r.Header("X-IDENTITY-HEADER") + R"( is not valid"})");
  });
  ManualClock clock(kT0);
  CredentialSettings s;
  s.identity_endpoint = server.Url("/msi/token");
  s.identity_header = kIdentityHeader;
  auto token = MakeAppServiceIdentityCredential(s, clock)->GetToken();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(token.error().message.find(kIdentityHeader), std::string::npos)
      << token.error().message;
  EXPECT_NE(token.error().message.find("header [redacted] is not valid"), std::string::npos)
      << token.error().message;
}

TEST(ManagedIdentityCredentialTest, NeedsBothEndpointAndHeaderForAppService) {
  ManualClock clock(kT0);
  CredentialSettings s;
  s.identity_endpoint = "http://127.0.0.1:1/msi/token";
  EXPECT_NE(MakeManagedIdentityCredential(s, clock)->Describe().find("IMDS"), std::string::npos);
  s.identity_header = "h";
  EXPECT_NE(MakeManagedIdentityCredential(s, clock)->Describe().find("App Service"),
            std::string::npos);
}

}  // namespace
}  // namespace noisett::storage::azure
