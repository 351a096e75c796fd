// AzureBlobStore on Azurite beyond the shared BlobStore contract: what only the Azure store has
// (GetTags, FindByTags, EnsureContainer), a container that does not exist, and credentials Azurite
// must refuse (an expired token, a token for another audience, a wrong account key) — each attack
// is tried and must end in StoreUnavailable, never in the data or an overwrite.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/clock.h"
#include "storage/azure/store_contract_fixture.h"
#include "support/azurite.h"

namespace noisett::storage::testing {
namespace {

using azure::AzureBlobStore;
namespace az = noisett::testing;

class AzuriteOnlyTest : public StoreContractTest {};

TEST_P(AzuriteOnlyTest, GetTagsReturnsWhatPutSet) {
  PutOptions options;
  options.tags = {{"subscription_tier", "free"}, {"kind", "image/webp"}};
  MustPut("g.webp", "x", options);
  auto tags = azure_->GetTags("g.webp");
  ASSERT_TRUE(tags.has_value()) << tags.error().ToString();
  EXPECT_EQ(*tags, options.tags);
  ExpectError(azure_->GetTags("missing.webp"), ErrorCode::kNotFound, "BlobNotFound");
}

TEST_P(AzuriteOnlyTest, FindByTagsFindsOnlyMatchingBlobsOfThisContainer) {
  PutOptions free_tier;
  free_tier.tags = {{"subscription_tier", "free"}};
  PutOptions pro_tier;
  pro_tier.tags = {{"subscription_tier", "pro"}};
  MustPut("a/1.jpg", "x", free_tier);
  MustPut("a/2.jpg", "x", pro_tier);
  MustPut("b/3.jpg", "x", free_tier);
  auto found = azure_->FindByTags("\"subscription_tier\" = 'free'");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  std::sort(found->begin(), found->end());
  EXPECT_EQ(*found, (std::vector<std::string>{"a/1.jpg", "b/3.jpg"}));
}

TEST_P(AzuriteOnlyTest, EnsureContainerIsIdempotent) {
  EXPECT_TRUE(azure_->EnsureContainer());
  EXPECT_TRUE(azure_->EnsureContainer());
}

TEST_P(AzuriteOnlyTest, MissingContainerIsNotReady) {
  auto client = AzuriteClient(az::UniqueContainerName("never-created"),
                              GetParam() == StoreKind::kAzuriteBearer);
  ASSERT_NE(client, nullptr);
  AzureBlobStore store(*client);
  ExpectError(store.CheckReady(), ErrorCode::kUnavailable, "StoreUnavailable");
  ExpectError(store.Get("x"), ErrorCode::kNotFound, "BlobNotFound");
}

INSTANTIATE_TEST_SUITE_P(Azurite, AzuriteOnlyTest,
                         ::testing::Values(StoreKind::kAzuriteSharedKey, StoreKind::kAzuriteBearer),
                         KindName);

// A container holding secret.jpg (written with Shared Key), and intruders that must be refused.
class AzuriteRefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(az::Azurite().ok()) << az::Azurite().error;
    container_ = az::UniqueContainerName(az::CurrentTestHint());
    owner_ = AzuriteClient(container_, false);
    ASSERT_NE(owner_, nullptr);
    AzureBlobStore store(*owner_);
    ASSERT_TRUE(store.EnsureContainer());
    ASSERT_TRUE(store.Put("secret.jpg", "secret", {}));
  }
  void TearDown() override {
    if (owner_) DropContainer(*owner_, container_);
  }

  // The intruder can neither read nor overwrite, and the store calls itself unavailable.
  void ExpectRefused(std::unique_ptr<azure::AzureClient> intruder) {
    ASSERT_NE(intruder, nullptr);
    AzureBlobStore store(*intruder);
    ExpectError(store.Get("secret.jpg"), ErrorCode::kUnavailable, "StoreUnavailable");
    ExpectError(store.Put("secret.jpg", "overwritten", {}), ErrorCode::kUnavailable,
                "StoreUnavailable");
    ExpectError(store.CheckReady(), ErrorCode::kUnavailable, "StoreUnavailable");
    AzureBlobStore owner(*owner_);
    auto still = owner.Get("secret.jpg");
    ASSERT_TRUE(still.has_value()) << still.error().ToString();
    EXPECT_EQ(still->bytes, "secret");
  }

  std::string container_;
  std::unique_ptr<azure::AzureClient> owner_;
};

TEST_F(AzuriteRefusalTest, ExpiredTokenIsRefused) {
  az::AzureTokenClaims claims;
  const int64_t now = SystemClock::Instance().NowSeconds();
  claims.not_before = now - 7200;
  claims.expires = now - 3600;
  ExpectRefused(AzuriteClient(container_, true, az::UnsignedAzureToken(claims), 1));
}

TEST_F(AzuriteRefusalTest, TokenForAnotherAudienceIsRefused) {
  az::AzureTokenClaims claims;
  claims.audience = "https://management.azure.com";
  ExpectRefused(AzuriteClient(container_, true, az::UnsignedAzureToken(claims), 1));
}

TEST_F(AzuriteRefusalTest, V2IssuerTokenIsRefused) {
  // Storage takes v1 issuers (sts.windows.net) only; a v2 or foreign issuer must not pass.
  az::AzureTokenClaims claims;
  claims.issuer = "https://login.microsoftonline.com/" + claims.tid + "/v2.0";
  ExpectRefused(AzuriteClient(container_, true, az::UnsignedAzureToken(claims), 1));
}

TEST_F(AzuriteRefusalTest, GarbageTokenIsRefused) {
  ExpectRefused(AzuriteClient(container_, true, "not-a-jwt", 1));
}

TEST_F(AzuriteRefusalTest, WrongAccountKeyIsRefused) {
  // Shared Key with another (valid base64, same length) key: every signature is wrong.
  const az::AzuriteInfo& info = az::Azurite();
  azure::AzureConfig config;
  config.account = info.account;
  config.container = container_;
  config.endpoint = info.endpoint;
  config.ca_file = info.ca_file;
  config.account_key = info.key;
  config.account_key[0] = config.account_key[0] == 'A' ? 'B' : 'A';
  azure::RetryPolicy once;
  once.max_attempts = 1;
  auto client = azure::AzureClient::Create(config, nullptr, SystemClock::Instance(), once);
  ASSERT_TRUE(client.has_value()) << client.error().ToString();
  ExpectRefused(std::move(*client));
}

}  // namespace
}  // namespace noisett::storage::testing
