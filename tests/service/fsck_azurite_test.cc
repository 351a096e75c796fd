// The rebuild + fsck round trip on Azure Blob Storage (Azurite, Shared Key over HTTPS): the same
// code that runs on the local store lists, reads and repairs through the REST API. Azurite has no
// blob soft delete, so this suite keeps to live jobs; soft-delete handling is the local suites'.
#include <cstdlib>

#include "service/fsck_fixture.h"

namespace noisett::service::testing {
namespace {

class FsckAzuriteTest : public MaintenanceTest {
 protected:
  void SetUp() override {
    if (std::getenv("NOISETT_TEST_AZURITE_ENDPOINT") == nullptr) {
      GTEST_SKIP() << "NOISETT_TEST_AZURITE_ENDPOINT is not set: no Azurite for this run "
                      "(scripts/test.sh starts one; by hand: eval \"$(bash scripts/azurite.sh "
                      "start DIR)\")";
    }
    ASSERT_TRUE(Start({.azurite = true})) << app_->error();
  }
};

TEST_F(FsckAzuriteTest, RebuildAndFsckRoundTrip) {
  const std::string a = Upload("alice", "on azure");
  Upload("alice", "on azure", a, 40);
  const std::string b = Upload("bob", "also on azure");
  EXPECT_EQ(Kinds(Fsck()), std::vector<std::string>{});

  auto rebuilt = NewCatalog("rebuilt");
  const RebuildReport first = Rebuild(*rebuilt);
  EXPECT_TRUE(first.clean()) << ToJson(first).dump(2);
  EXPECT_EQ(first.jobs_added, 2u);
  EXPECT_EQ(first.images_added, 3u);
  EXPECT_EQ(Dump(*rebuilt), Dump(catalog()));
  EXPECT_EQ(Rebuild(*rebuilt).jobs_added, 0u);
  EXPECT_EQ(Kinds(Fsck(*rebuilt, false)), std::vector<std::string>{});

  // A crash between blobs and row, a tampered metadata.json: found, repaired, then clean.
  ASSERT_TRUE(catalog().PurgeGeneration("bob", b));
  auto tampered = nlohmann::json::parse(ReadBlob(BlobName("alice", a, "metadata.json")));
  tampered["prompt"] = "tampered";
  PutBlob(BlobName("alice", a, "metadata.json"), tampered.dump());
  EXPECT_EQ(Kinds(Fsck()), (std::vector<std::string>{"metadata_mismatch alice/" + a,
                                                      "orphan_blobs bob/" + b}));
  // Azurite's clock is the wall clock, the test's stands at kStart: ages are relative to it, so
  // a grace of 0 makes everything old enough.
  const FsckReport repaired = Fsck(/*repair=*/true, /*grace_s=*/0);
  EXPECT_EQ(repaired.Unrepaired(), 0u) << ToJson(repaired).dump(2);
  EXPECT_EQ(Kinds(Fsck()), std::vector<std::string>{});
  EXPECT_EQ(Dump(catalog()), Dump(*rebuilt));
}

}  // namespace
}  // namespace noisett::service::testing
