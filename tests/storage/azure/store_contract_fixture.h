// The fixture of the BlobStore contract suite: a fresh store of the kind the test parameter names
// (LocalBlobStore on a temporary directory; AzureBlobStore on the test Azurite in a container of
// its own, with Shared Key or with a bearer token), and clients for Azurite with a chosen
// credential. Shared by blob_store_contract_test.cc and azurite_blob_store_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_client.h"
#include "storage/blob_store.h"

namespace noisett::storage::testing {

enum class StoreKind { kLocal, kAzuriteSharedKey, kAzuriteBearer };

// "Local", "AzuriteSharedKey", "AzuriteBearer": the test-name suffix.
std::string KindName(const ::testing::TestParamInfo<StoreKind>& info);

// A client for `container` on the test Azurite: Shared Key with the account key when `bearer` is
// false, else the bearer `token` (empty: a fresh unsigned v1-shaped token on every request, which
// Azurite accepts). Null (and a test failure) when the client cannot be made.
std::unique_ptr<azure::AzureClient> AzuriteClient(const std::string& container, bool bearer,
                                                  const std::string& token = "",
                                                  int max_attempts = 2);

// Deletes the container and everything in it; errors ignored (clean-up).
void DropContainer(azure::AzureClient& client, const std::string& container);

class StoreContractTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override;
  void TearDown() override;

  bool IsLocal() const { return GetParam() == StoreKind::kLocal; }
  // Fail the test (not abort it) on error.
  BlobProperties MustPut(const std::string& name, const std::string& bytes,
                         const PutOptions& options = {});
  std::string MustGet(const std::string& name);
  // Every page of the listing, concatenated.
  std::vector<BlobProperties> ListAll(ListOptions options);

  std::string temp_;       // the local store's directory
  std::string container_;  // the Azure store's container
  std::unique_ptr<azure::AzureClient> client_;
  azure::AzureBlobStore* azure_ = nullptr;  // store_, when it is an Azure one
  std::unique_ptr<BlobStore> store_;
};

inline void ExpectError(const Status& status, ErrorCode code, const std::string& reason) {
  ASSERT_FALSE(status.has_value()) << "expected " << reason;
  EXPECT_EQ(status.error().code, code) << status.error().ToString();
  EXPECT_EQ(status.error().reason, reason) << status.error().ToString();
}

template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& reason) {
  ASSERT_FALSE(result.has_value()) << "expected " << reason;
  EXPECT_EQ(result.error().code, code) << result.error().ToString();
  EXPECT_EQ(result.error().reason, reason) << result.error().ToString();
}

}  // namespace noisett::storage::testing
