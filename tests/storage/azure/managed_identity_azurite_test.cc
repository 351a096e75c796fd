// The production path end to end, with nothing but the identity endpoint played: the default
// credential chain gets a token from IMDS (a loopback server that checks `Metadata: true` and the
// resource, and hands out the v1-shaped token Azurite's --oauth basic accepts), AzureClient sends
// it as a bearer to Azurite over HTTPS, AzureBlobStore writes and reads, the delegation key is
// fetched with the same token, and the user delegation SAS Noisett signs fetches the blob with
// curl. No account key anywhere.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_client.h"
#include "storage/azure/azure_link_signer.h"
#include "storage/azure/credential.h"
#include "storage/azure/delegation_key_cache.h"
#include "support/azurite.h"
#include "support/recording_http_server.h"
#include "support/subprocess.h"

namespace noisett::storage::azure {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::RecordingHttpServer;
using noisett::testing::Reply;

constexpr char kOid[] = "3c1e9a4f-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

// IMDS as Azure documents it: GET /metadata/identity/oauth2/token with Metadata: true.
Reply Imds(const RecordedRequest& r) {
  if (r.Path() != "/metadata/identity/oauth2/token" || r.Header("metadata") != "true" ||
      r.Query().find("resource=https%3A%2F%2Fstorage.azure.com%2F") == std::string::npos) {
    return Reply{400, {{"Content-Type", "application/json"}}, R"({"error":"invalid_request"})"};
  }
  noisett::testing::AzureTokenClaims claims;
  claims.oid = kOid;
  const std::string token = noisett::testing::UnsignedAzureToken(claims);
  return Reply{200,
               {{"Content-Type", "application/json"}},
               R"({"access_token":")" + token +
                   R"(","expires_in":"3599","resource":"https://storage.azure.com/","token_type":"Bearer"})"};
}

TEST(ManagedIdentityOnAzurite, TokenFromImdsWritesReadsAndSignsALinkAzuriteServes) {
  const auto& az = noisett::testing::Azurite();
  ASSERT_TRUE(az.ok()) << az.error;
  RecordingHttpServer imds(Imds);
  CredentialSettings settings;
  settings.imds_endpoint = imds.BaseUrl();
  const Clock& clock = SystemClock::Instance();
  std::shared_ptr<TokenCredential> credential = MakeDefaultCredential(settings, clock);

  AzureConfig config;
  config.account = az.account;
  config.container = noisett::testing::UniqueContainerName("mi");
  config.endpoint = az.endpoint;
  config.ca_file = az.ca_file;  // no account_key: bearer only
  auto client = AzureClient::Create(config, credential, clock);
  ASSERT_TRUE(client) << client.error().ToString();
  ASSERT_FALSE((*client)->uses_shared_key());

  AzureBlobStore store(**client);
  ASSERT_TRUE(store.EnsureContainer()) << "container";
  const std::string bytes = "image bytes written with a managed identity token";
  PutOptions put;
  put.content_type = "image/jpeg";
  put.cache_control = "public, max-age=31536000, immutable";
  ASSERT_TRUE(store.Put("generated/mia/job/image_0.jpg", bytes, put));
  auto read = store.Get("generated/mia/job/image_0.jpg");
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(read->bytes, bytes);

  auto keys = std::make_unique<DelegationKeyCache>(FetchDelegationKeyWith(**client), clock);
  auto signer = AzureLinkSigner::Create(**client, std::move(keys), clock);
  ASSERT_TRUE(signer) << signer.error().ToString();
  auto link = (*signer)->Sign(config.container, "generated/mia/job/image_0.jpg",
                              clock.NowSeconds() + 3600);
  ASSERT_TRUE(link) << link.error().ToString();
  EXPECT_NE(link->url.find(std::string("skoid=") + kOid), std::string::npos)
      << "a user delegation SAS for the identity's object id: " << link->url;
  EXPECT_EQ(link->url.find("si="), std::string::npos);

  const auto fetched = noisett::testing::RunProcess(
      {"/usr/bin/curl", "-sS", "-g", "--cacert", az.ca_file, "-w", "\n%{http_code}", link->url});
  ASSERT_EQ(fetched.status, 0) << fetched.err;
  const size_t nl = fetched.out.rfind('\n');
  EXPECT_EQ(fetched.out.substr(nl + 1), "200");
  EXPECT_EQ(fetched.out.substr(0, nl), bytes);

  // One token served every call (Put, Get, the container, the key): the cache held it.
  int token_requests = 0;
  for (const auto& r : imds.Requests()) token_requests += r.Header("metadata") == "true";
  EXPECT_EQ(token_requests, 1);
  // IMDS must refuse a request without the header, so the check above is a real one.
  const auto refused = noisett::testing::RunProcess(
      {"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
       imds.Url("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F")});
  EXPECT_EQ(refused.out, "400");
}

}  // namespace
}  // namespace noisett::storage::azure
