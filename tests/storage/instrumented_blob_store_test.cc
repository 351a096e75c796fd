// InstrumentedBlobStore over a real LocalBlobStore: every operation counts once under its kind
// and result ("ok" or the error reason), and results pass through untouched.
#include "storage/instrumented_blob_store.h"

#include <gtest/gtest.h>

#include "core/metric_names.h"
#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

class InstrumentedStoreTest : public StoreTest {
 protected:
  double Count(const std::string& op, const std::string& result) const {
    return registry_.Value(metrics::names::kBlobOperations, {{"op", op}, {"result", result}});
  }
  metrics::Registry registry_;
};

TEST_F(InstrumentedStoreTest, CountsEveryOperationByKindAndResult) {
  InstrumentedBlobStore store(*store_, registry_);
  ASSERT_TRUE(store.Put("a/one.jpg", "11111", {}));
  auto second = store.Put("a/one.jpg", "2222222", {});  // an overwrite: a new version
  ASSERT_TRUE(second);
  ASSERT_TRUE(store.Put("a/two.jpg", "22", {}));

  auto got = store.Get("a/one.jpg", std::nullopt);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->bytes, "2222222");
  auto missing = store.Get("a/none.jpg", std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "BlobNotFound");

  ASSERT_TRUE(store.GetProperties("a/two.jpg"));
  ASSERT_TRUE(store.SetTier("a/two.jpg", AccessTier::kArchive, RehydratePriority::kStandard));
  auto archived = store.Get("a/two.jpg", std::nullopt);
  ASSERT_FALSE(archived);
  EXPECT_EQ(archived.error().reason, "BlobArchived");
  ASSERT_TRUE(store.SetTags("a/one.jpg", {{"subscription_tier", "pro"}}));

  ListOptions list;
  list.prefix = "a/";
  auto page = store.List(list);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 2u);

  auto versions = store.ListVersions("a/one.jpg");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  const std::string first_version = versions->front().version_id;
  ASSERT_TRUE(store.RestoreVersion("a/one.jpg", first_version));
  ASSERT_TRUE(store.DeleteVersion("a/one.jpg", first_version));
  ASSERT_TRUE(store.Delete("a/one.jpg"));
  EXPECT_FALSE(store.Delete("a/one.jpg"));  // already deleted: BlobNotFound
  ASSERT_TRUE(store.Undelete("a/one.jpg"));

  EXPECT_EQ(Count("put", "ok"), 3);
  EXPECT_EQ(Count("get", "ok"), 1);
  EXPECT_EQ(Count("get", "BlobNotFound"), 1);
  EXPECT_EQ(Count("get", "BlobArchived"), 1);
  EXPECT_EQ(Count("get_properties", "ok"), 1);
  EXPECT_EQ(Count("set_tier", "ok"), 1);
  EXPECT_EQ(Count("set_tags", "ok"), 1);
  EXPECT_EQ(Count("list", "ok"), 1);
  EXPECT_EQ(Count("list_versions", "ok"), 1);
  EXPECT_EQ(Count("restore_version", "ok"), 1);
  EXPECT_EQ(Count("delete_version", "ok"), 1);
  EXPECT_EQ(Count("delete", "ok"), 1);
  EXPECT_EQ(Count("delete", "BlobNotFound"), 1);
  EXPECT_EQ(Count("undelete", "ok"), 1);
  EXPECT_EQ(registry_.Sum(metrics::names::kBlobOperations), 16);
}

// Discard (a failed job's roll-back) is billed as Delete Blob: counted under "delete", and the
// blob is gone through the wrapper as through the store.
TEST_F(InstrumentedStoreTest, DiscardCountsAsDeleteAndPassesThrough) {
  InstrumentedBlobStore store(*store_, registry_);
  auto put = store.Put("a/failed.jpg", "333", {});
  ASSERT_TRUE(put);
  ASSERT_TRUE(store.Discard("a/failed.jpg", put->version_id));
  EXPECT_EQ(store_->GetProperties("a/failed.jpg").error().reason, "BlobNotFound");
  EXPECT_EQ(Count("delete", "ok"), 1);
  EXPECT_FALSE(store.Discard("a/failed.jpg", put->version_id));
  EXPECT_EQ(Count("delete", "BlobNotFound"), 1);
}

TEST_F(InstrumentedStoreTest, OkSeriesExistAtZeroFromTheStart) {
  InstrumentedBlobStore store(*store_, registry_);
  const std::string text = registry_.Render();
  for (const char* op : {"put", "get", "get_properties", "delete", "undelete", "list", "set_tier",
                         "set_tags", "list_versions", "restore_version", "delete_version"}) {
    EXPECT_NE(text.find(std::string("noisett_blob_operations_total{op=\"") + op +
                        "\",result=\"ok\"} 0\n"),
              std::string::npos)
        << op << "\n"
        << text;
  }
}

TEST_F(InstrumentedStoreTest, DescribeAndReadinessPassThroughUncounted) {
  InstrumentedBlobStore store(*store_, registry_);
  EXPECT_EQ(store.Describe(), store_->Describe());
  EXPECT_TRUE(store.CheckReady());
  EXPECT_EQ(registry_.Sum(metrics::names::kBlobOperations), 0);
  EXPECT_EQ(&store.inner(), store_.get());
}

}  // namespace
}  // namespace noisett::storage::testing
