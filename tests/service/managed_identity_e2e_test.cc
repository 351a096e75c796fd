// `noisett serve` on Azure the way production runs it: no account key, bearer tokens from the
// managed identity (IMDS, played by a loopback server that checks `Metadata: true` and hands out
// the v1-shaped token Azurite accepts), links that are user delegation SAS. Only in the Azurite
// build of the suite.
#include <nlohmann/json.hpp>

#include "image/test_images.h"
#include "service/e2e_fixture.h"
#include "support/azurite.h"
#include "support/recording_http_server.h"

namespace noisett::service_e2e {
namespace {

using noisett::testing::RecordedRequest;
using noisett::testing::Reply;

Reply Imds(const RecordedRequest& r) {
  if (r.Path() != "/metadata/identity/oauth2/token" || r.Header("metadata") != "true") {
    return Reply{400, {{"Content-Type", "application/json"}}, R"({"error":"invalid_request"})"};
  }
  return Reply{200,
               {{"Content-Type", "application/json"}},
               R"({"access_token":")" + noisett::testing::UnsignedAzureToken() +
                   R"(","expires_in":"3599","resource":"https://storage.azure.com/"})"};
}

TEST(ManagedIdentityServeTest, UploadsWithTokensFromImdsAndHandsOutUserDelegationLinks) {
  noisett::testing::InitVips();
  noisett::testing::RecordingHttpServer imds(Imds);
  Noisett noisett;
  ASSERT_EQ(noisett.Start({}, {"NOISETT_IMDS_ENDPOINT=" + imds.BaseUrl()}, /*bearer=*/true), "");
  EXPECT_NE(noisett.process().Log().find("managed identity (IMDS)"), std::string::npos)
      << noisett.process().Log();
  const std::string token = noisett.Token("mia");
  ASSERT_FALSE(token.empty());

  RawRequest upload;
  upload.method = "POST";
  upload.target = "/api/images?prompt=identity";
  upload.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "image/png"}};
  upload.body = noisett::testing::ToPng(noisett::testing::Textured(120, 90));
  const RawResponse up = service_e2e::Send(noisett.port(), upload);
  ASSERT_EQ(up.status, 201) << up.body << "\n" << noisett.process().Log();
  const nlohmann::json body = nlohmann::json::parse(up.body);
  const std::string url = body["image"].value("url", "");

  // A user delegation SAS: the key's object id and times are in it; no account key signed it.
  for (const char* field : {"skoid=", "sktid=", "skt=", "ske=", "sks=b", "sp=r", "sr=b"}) {
    EXPECT_NE(url.find(field), std::string::npos) << field << " missing in " << url;
  }
  const RawResponse image = FetchFromAzurite(url, {}, "GET");
  EXPECT_EQ(image.status, 200) << image.body;
  EXPECT_EQ(image.body.size(), body["image"].value("bytes", uint64_t{0}));
  EXPECT_EQ(image.body.substr(0, 3), std::string("\xFF\xD8\xFF"));
  EXPECT_GE(imds.Requests().size(), 1u);
  EXPECT_EQ(noisett.Stop(), 0) << noisett.process().Log();
}

}  // namespace
}  // namespace noisett::service_e2e
