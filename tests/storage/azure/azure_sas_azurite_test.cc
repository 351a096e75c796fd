// End to end against Azurite (HTTPS, --oauth basic): a link Noisett signs fetches the blob with
// curl, and Azurite refuses the same link with one character changed, after its expiry, or on
// another blob. Both kinds: user delegation SAS (key fetched with a bearer token) and service SAS
// (account key). Azurite ignores rscc when serving (REFERENCE.md §2), so Cache-Control is checked
// by the oracle tests, not here.
#include <gtest/gtest.h>

#include <memory>

#include "core/clock.h"
#include "storage/azure/azure_client.h"
#include "storage/azure/azure_link_signer.h"
#include "support/azurite.h"
#include "support/subprocess.h"

namespace noisett::storage::azure {
namespace {

class AzuriteToken final : public TokenCredential {
 public:
  Result<AccessToken> GetToken() override {
    return AccessToken{testing::UnsignedAzureToken(), SystemClock::Instance().NowSeconds() + 3600};
  }
  std::string Describe() const override { return "unsigned Azurite test token"; }
};

struct Fetched {
  int status = 0;
  std::string body;
};

// GET with curl: an independent client, trusting only Azurite's self-signed certificate.
Fetched Curl(const std::string& url) {
  const auto run = testing::RunProcess(
      {NOISETT_CURL, "-sS", "-g", "--cacert", testing::Azurite().ca_file, "-w", "\n%{http_code}",
       url});
  Fetched f;
  const size_t nl = run.out.rfind('\n');
  if (run.status != 0 || nl == std::string::npos) {
    ADD_FAILURE() << "curl failed (" << run.status << "): " << run.err;
    return f;
  }
  f.status = std::atoi(run.out.c_str() + nl + 1);
  f.body = run.out.substr(0, nl);
  return f;
}

// The link with the first character of the query value `name` changed.
std::string Tamper(std::string url, std::string_view name) {
  std::string param = "&";
  param.append(name).append("=");
  const size_t at = url.find(param);
  EXPECT_NE(at, std::string::npos) << url;
  char& c = url[at + param.size()];
  c = (c == '1') ? '2' : '1';
  return url;
}

class AzuriteSas : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& az = testing::Azurite();
    ASSERT_TRUE(az.ok()) << az.error;
    container_ = testing::UniqueContainerName(testing::CurrentTestHint());
    AzureConfig config;
    config.account = az.account;
    config.container = container_;
    config.endpoint = az.endpoint;
    config.ca_file = az.ca_file;
    keyed_config_ = config;
    keyed_config_.account_key = az.key;
    bearer_config_ = config;
    auto keyed = AzureClient::Create(keyed_config_, nullptr, SystemClock::Instance());
    ASSERT_TRUE(keyed) << keyed.error().ToString();
    keyed_ = std::move(*keyed);
    auto bearer = AzureClient::Create(bearer_config_, std::make_shared<AzuriteToken>(),
                                      SystemClock::Instance());
    ASSERT_TRUE(bearer) << bearer.error().ToString();
    bearer_ = std::move(*bearer);
    const AzureRequest create{.method = "PUT",
                              .path = "/" + container_,
                              .query = {{"restype", "container"}},
                              .headers = {},
                              .body = "",
                              .idempotent = true};
    auto created = keyed_->Send(create);
    ASSERT_TRUE(created) << created.error().ToString();
    Put(kBlobA, "picture A");
    Put(kBlobB, "picture B");
  }

  void Put(const std::string& blob, const std::string& body) {
    const AzureRequest put{
        .method = "PUT",
        .path = "/" + container_ + "/" + blob,
        .query = {},
        .headers = {{"x-ms-blob-type", "BlockBlob"}, {"Content-Type", "text/plain"}},
        .body = body,
        .idempotent = true};
    auto r = keyed_->Send(put);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  std::unique_ptr<AzureLinkSigner> DelegationSigner(const Clock& clock) {
    auto keys = std::make_unique<DelegationKeyCache>(FetchDelegationKeyWith(*bearer_), clock);
    auto s = AzureLinkSigner::Create(*bearer_, std::move(keys), clock);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  std::unique_ptr<AzureLinkSigner> ServiceSigner(const Clock& clock) {
    auto s = AzureLinkSigner::Create(*keyed_, nullptr, clock);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  // The link works; changed, it does not; on another blob, it does not.
  void CheckLink(AzureLinkSigner& signer) {
    auto link = signer.Sign(container_, kBlobA, SystemClock::Instance().NowSeconds() + 600);
    ASSERT_TRUE(link) << link.error().ToString();
    const Fetched ok = Curl(link->url);
    EXPECT_EQ(ok.status, 200) << link->url << "\n" << ok.body;
    EXPECT_EQ(ok.body, "picture A");
    for (const char* field : {"sig", "se", "rscc"}) {
      const Fetched tampered = Curl(Tamper(link->url, field));
      EXPECT_EQ(tampered.status, 403) << field << ": " << tampered.body;
      EXPECT_EQ(tampered.body.find("picture"), std::string::npos);
    }
    const std::string query = link->url.substr(link->url.find('?'));
    const Fetched other = Curl(keyed_->BlobUrl(container_, kBlobB) + query);
    EXPECT_EQ(other.status, 403) << other.body;
    EXPECT_EQ(other.body.find("picture"), std::string::npos);
  }

  // A link signed three days ago for an hour: long expired. Azurite gives one message for every
  // refusal, so a control proves expiry is the reason: signed at the same past instant for four
  // more days, the link still works.
  void CheckExpired(AzureLinkSigner& signer, ManualClock& past) {
    auto link = signer.Sign(container_, kBlobA, past.NowSeconds() + 3600);
    ASSERT_TRUE(link) << link.error().ToString();
    const Fetched expired = Curl(link->url);
    EXPECT_EQ(expired.status, 403) << expired.body;
    EXPECT_EQ(expired.body.find("picture"), std::string::npos);
    auto control = signer.Sign(container_, kBlobA, past.NowSeconds() + 7 * 24 * 3600);
    ASSERT_TRUE(control) << control.error().ToString();
    EXPECT_GT(control->expires_at, SystemClock::Instance().NowSeconds() + 3 * 24 * 3600);
    const Fetched ok = Curl(control->url);
    EXPECT_EQ(ok.status, 200) << control->url << "\n" << ok.body;
    EXPECT_EQ(ok.body, "picture A");
  }

  static inline const std::string kBlobA = "u-42/a b ü (1).txt";
  static inline const std::string kBlobB = "u-42/b.txt";
  std::string container_;
  AzureConfig keyed_config_, bearer_config_;
  std::unique_ptr<AzureClient> keyed_, bearer_;
};

TEST_F(AzuriteSas, UserDelegationLinkFetchesTheBlobAndNothingElse) {
  auto signer = DelegationSigner(SystemClock::Instance());
  ASSERT_NE(signer, nullptr);
  CheckLink(*signer);
}

TEST_F(AzuriteSas, ServiceLinkFetchesTheBlobAndNothingElse) {
  auto signer = ServiceSigner(SystemClock::Instance());
  ASSERT_NE(signer, nullptr);
  CheckLink(*signer);
}

TEST_F(AzuriteSas, ExpiredLinksAreRefused) {
  ManualClock past(SystemClock::Instance().NowSeconds() - 3 * 24 * 3600);
  auto delegation = DelegationSigner(past);
  ASSERT_NE(delegation, nullptr);
  CheckExpired(*delegation, past);
  auto service = ServiceSigner(past);
  ASSERT_NE(service, nullptr);
  CheckExpired(*service, past);
}

}  // namespace
}  // namespace noisett::storage::azure
