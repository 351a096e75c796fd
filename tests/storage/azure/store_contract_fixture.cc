// The contract suite's fixture (see store_contract_fixture.h).
#include "storage/azure/store_contract_fixture.h"

#include <stdlib.h>

#include <filesystem>

#include "core/clock.h"
#include "storage/local_blob_store.h"
#include "support/azurite.h"

namespace noisett::storage::testing {
namespace {

// A fixed token, or (when empty) a fresh unsigned v1-shaped one per call: Azurite checks the
// claims of a bearer token, never its signature.
class TestTokenCredential final : public azure::TokenCredential {
 public:
  explicit TestTokenCredential(std::string token) : token_(std::move(token)) {}
  Result<azure::AccessToken> GetToken() override {
    azure::AccessToken token;
    token.token = token_.empty() ? noisett::testing::UnsignedAzureToken() : token_;
    token.expires_on = SystemClock::Instance().NowSeconds() + 3600;
    return token;
  }
  std::string Describe() const override { return "test token for Azurite"; }

 private:
  const std::string token_;
};

}  // namespace

std::string KindName(const ::testing::TestParamInfo<StoreKind>& info) {
  switch (info.param) {
    case StoreKind::kLocal:
      return "Local";
    case StoreKind::kAzuriteSharedKey:
      return "AzuriteSharedKey";
    case StoreKind::kAzuriteBearer:
      return "AzuriteBearer";
  }
  return "Unknown";
}

std::unique_ptr<azure::AzureClient> AzuriteClient(const std::string& container, bool bearer,
                                                  const std::string& token, int max_attempts) {
  const noisett::testing::AzuriteInfo& az = noisett::testing::Azurite();
  azure::AzureConfig config;
  config.account = az.account;
  config.container = container;
  config.endpoint = az.endpoint;
  config.ca_file = az.ca_file;
  std::shared_ptr<azure::TokenCredential> credential;
  if (bearer) {
    credential = std::make_shared<TestTokenCredential>(token);
  } else {
    config.account_key = az.key;
  }
  azure::RetryPolicy retry;
  retry.max_attempts = max_attempts;
  retry.base_delay_ms = 50;
  auto client = azure::AzureClient::Create(config, credential, SystemClock::Instance(), retry);
  EXPECT_TRUE(client.has_value()) << client.error().ToString();
  return client ? std::move(*client) : nullptr;
}

void DropContainer(azure::AzureClient& client, const std::string& container) {
  azure::AzureRequest drop;
  drop.method = "DELETE";
  drop.path = "/" + container;
  drop.query = {{"restype", "container"}};
  (void)client.Send(drop);
}

void StoreContractTest::SetUp() {
  if (IsLocal()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "noisett-contract-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    temp_ = pattern;
    LocalStoreConfig config;
    config.root = temp_;
    auto local = LocalBlobStore::Open(config, SystemClock::Instance());
    ASSERT_TRUE(local.has_value()) << local.error().ToString();
    store_ = std::move(*local);
    return;
  }
  const noisett::testing::AzuriteInfo& az = noisett::testing::Azurite();
  ASSERT_TRUE(az.ok()) << "Azurite is needed for this suite: " << az.error;
  container_ = noisett::testing::UniqueContainerName(noisett::testing::CurrentTestHint());
  client_ = AzuriteClient(container_, GetParam() == StoreKind::kAzuriteBearer);
  ASSERT_NE(client_, nullptr);
  auto azure = std::make_unique<azure::AzureBlobStore>(*client_);
  auto made = azure->EnsureContainer();
  ASSERT_TRUE(made.has_value()) << container_ << ": " << made.error().ToString();
  azure_ = azure.get();
  store_ = std::move(azure);
}

void StoreContractTest::TearDown() {
  store_.reset();
  if (!temp_.empty()) std::filesystem::remove_all(temp_);
  if (client_) DropContainer(*client_, container_);
}

BlobProperties StoreContractTest::MustPut(const std::string& name, const std::string& bytes,
                                          const PutOptions& options) {
  auto put = store_->Put(name, bytes, options);
  EXPECT_TRUE(put.has_value()) << name << ": " << put.error().ToString();
  return put ? *put : BlobProperties{};
}

std::string StoreContractTest::MustGet(const std::string& name) {
  auto got = store_->Get(name);
  EXPECT_TRUE(got.has_value()) << name << ": " << got.error().ToString();
  return got ? got->bytes : std::string();
}

std::vector<BlobProperties> StoreContractTest::ListAll(ListOptions options) {
  std::vector<BlobProperties> all;
  do {
    auto page = store_->List(options);
    EXPECT_TRUE(page.has_value()) << page.error().ToString();
    if (!page) break;
    all.insert(all.end(), page->items.begin(), page->items.end());
    options.continuation = page->continuation;
  } while (!options.continuation.empty());
  return all;
}

}  // namespace noisett::storage::testing
