// LocalBlobStore state over time: soft delete and undelete within retention, purge after it,
// archive tier refusals, versions (listing and restoring), and Discard (a failed job's roll-back).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

constexpr int64_t kDay = 86400;
constexpr const char* kName = "generated/alice/01J/image_0.jpg";

using LocalLifecycleTest = StoreTest;

bool Listed(BlobStore& store, const std::string& name) {
  ListOptions options;
  options.prefix = name;
  auto page = store.List(options);
  EXPECT_TRUE(page);
  return page && !page->items.empty() && page->items[0].name == name;
}

TEST_F(LocalLifecycleTest, DeleteThenUndeleteWithinRetention) {
  auto put = MustPut(kName, "image");
  ASSERT_TRUE(store_->Delete(kName));
  EXPECT_EQ(store_->Get(kName).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetProperties(kName).error().reason, "BlobNotFound");
  EXPECT_FALSE(Listed(*store_, kName));
  EXPECT_EQ(store_->Delete(kName).error().code, ErrorCode::kNotFound);  // already deleted
  EXPECT_EQ(store_->SetTags(kName, {}).error().code, ErrorCode::kNotFound);

  clock_.Advance(7 * kDay - 1);  // one second before the window closes
  ASSERT_TRUE(store_->PurgeExpired());
  ASSERT_TRUE(store_->Undelete(kName));
  EXPECT_EQ(MustGet(kName), "image");
  EXPECT_TRUE(Listed(*store_, kName));
  auto props = store_->GetProperties(kName);
  ASSERT_TRUE(props);
  EXPECT_EQ(props->etag, put.etag);  // the same content, not a new write
  EXPECT_FALSE(props->deleted);
  EXPECT_TRUE(store_->Undelete(kName));  // undeleting a live blob is a no-op
}

TEST_F(LocalLifecycleTest, PurgeAfterRetentionRemovesTheFiles) {
  MustPut(kName, "v1");
  MustPut(kName, "v2");
  MustPut("generated/alice/01J/image_1.jpg", "neighbour");
  ASSERT_TRUE(store_->Delete(kName));
  ASSERT_FALSE(FilesUnder(BlobDir(kName)).empty());
  clock_.Advance(7 * kDay + 1);
  // Past retention the blob is gone even before a purge runs.
  auto late = store_->Undelete(kName);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kNotFound);
  auto purged = store_->PurgeExpired();
  ASSERT_TRUE(purged);
  ASSERT_EQ(purged->size(), 1u);  // the neighbour is live
  EXPECT_EQ((*purged)[0].name, kName);
  EXPECT_EQ((*purged)[0].size, 4u);  // both versions' bytes were reclaimed
  EXPECT_FALSE(std::filesystem::exists(BlobDir(kName)));
  EXPECT_EQ(store_->Undelete(kName).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Get(kName).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(MustGet("generated/alice/01J/image_1.jpg"), "neighbour");
  // The name is free again: a new blob with a fresh history.
  auto fresh = MustPut(kName, "new");
  auto versions = store_->ListVersions(kName);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 1u);
  EXPECT_EQ(fresh.created, kStartTime + 7 * kDay + 1);
}

TEST_F(LocalLifecycleTest, PurgeRemovesEmptiedParentDirectories) {
  MustPut("generated/bob/job/image_0.jpg", "x");
  MustPut("generated/keep.txt", "y");
  ASSERT_TRUE(store_->Delete("generated/bob/job/image_0.jpg"));
  clock_.Advance(8 * kDay);
  ASSERT_TRUE(store_->PurgeExpired());
  EXPECT_FALSE(std::filesystem::exists(BlobsDir() + "/generated/bob"));
  EXPECT_TRUE(std::filesystem::exists(BlobDir("generated/keep.txt")));
  EXPECT_EQ(FilesUnder(BlobsDir()).size(), 2u);  // keep.txt's meta and data only
}

TEST_F(LocalLifecycleTest, PutOverADeletedBlobStartsItAfresh) {
  MustPut("r", "old");
  ASSERT_TRUE(store_->Delete("r"));
  clock_.Advance(10);
  auto put = MustPut("r", "new");
  EXPECT_EQ(put.created, kStartTime + 10);
  EXPECT_FALSE(put.deleted);
  EXPECT_EQ(MustGet("r"), "new");
}

TEST_F(LocalLifecycleTest, PutPastRetentionBeforeAnyPurgeDropsTheOldHistory) {
  MustPut("h", "1");
  MustPut("h", "2");
  ASSERT_TRUE(store_->Delete("h"));
  clock_.Advance(7 * kDay);
  auto put = MustPut("h", "3");
  auto versions = store_->ListVersions("h");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version_id, put.version_id);
  EXPECT_EQ(FilesUnder(BlobDir("h")), (std::vector<std::string>{put.version_id, "meta.json"}));
}

TEST_F(LocalLifecycleTest, ArchiveRefusesReadsAndOverwritesUntilRehydrated) {
  MustPut(kName, "cold bytes");
  ASSERT_TRUE(store_->SetTier(kName, AccessTier::kArchive));
  auto get = store_->Get(kName);
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code, ErrorCode::kConflict);
  EXPECT_EQ(get.error().reason, "BlobArchived");
  auto put = store_->Put(kName, "overwrite", {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kConflict);
  EXPECT_EQ(put.error().reason, "BlobArchived");
  // Properties and listing still work; only the content is offline.
  auto props = store_->GetProperties(kName);
  ASSERT_TRUE(props);
  EXPECT_EQ(props->tier, AccessTier::kArchive);
  EXPECT_TRUE(Listed(*store_, kName));
  EXPECT_EQ(FilesUnder(BlobDir(kName)).size(), 2u);  // the refused write left nothing

  ASSERT_TRUE(store_->SetTier(kName, AccessTier::kHot));
  EXPECT_EQ(MustGet(kName), "cold bytes");
  ASSERT_TRUE(store_->SetTier(kName, AccessTier::kCool));
  EXPECT_EQ(MustGet(kName), "cold bytes");
  EXPECT_TRUE(store_->Put(kName, "overwrite", {}));
}

TEST_F(LocalLifecycleTest, PutStraightIntoArchive) {
  PutOptions options;
  options.tier = AccessTier::kArchive;
  MustPut("a", "x", options);
  EXPECT_EQ(store_->Get("a").error().reason, "BlobArchived");
}

TEST_F(LocalLifecycleTest, VersionsAfterThreeOverwritesAndRestore) {
  PutOptions jpeg;
  jpeg.content_type = "image/jpeg";
  jpeg.tags = {{"subscription_tier", "pro"}};
  auto v1 = MustPut(kName, "one", jpeg);
  clock_.Advance(1);
  auto v2 = MustPut(kName, "two");
  auto v3 = MustPut(kName, "three");  // same second: the counter keeps the order
  auto v4 = MustPut(kName, "four");
  auto versions = store_->ListVersions(kName);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 4u);
  const std::string ids[] = {v1.version_id, v2.version_id, v3.version_id, v4.version_id};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*versions)[i].version_id, ids[i]);
    EXPECT_EQ((*versions)[i].is_current_version, i == 3);
    if (i > 0) {
      EXPECT_LT(ids[i - 1], ids[i]);
    }
  }
  EXPECT_EQ((*versions)[0].content_type, "image/jpeg");
  EXPECT_EQ((*versions)[0].size, 3u);
  EXPECT_EQ((*versions)[3].size, 4u);

  ASSERT_TRUE(store_->RestoreVersion(kName, v1.version_id));
  EXPECT_EQ(MustGet(kName), "one");
  auto restored = store_->GetProperties(kName);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->content_type, "image/jpeg");
  EXPECT_EQ(restored->tags, jpeg.tags);
  EXPECT_NE(restored->etag, v1.etag);  // restoring is a new write, as Azure's copy
  EXPECT_GT(restored->version_id, v4.version_id);
  auto after = store_->ListVersions(kName);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 5u);
  // Previous versions survive a restart, and the restored one shares the first one's bytes.
  Reopen();
  EXPECT_EQ(MustGet(kName), "one");
  EXPECT_EQ(ReadFile(BlobDir(kName) + "/" + v3.version_id), "three");
}

TEST_F(LocalLifecycleTest, RestoreVersionRefusals) {
  MustPut("x", "1");
  MustPut("x", "2");
  auto versions = store_->ListVersions("x");
  ASSERT_TRUE(versions);
  auto unknown = store_->RestoreVersion("x", "2001-01-01T00:00:00.0000000Z");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(store_->RestoreVersion("x", "../../../etc/passwd"));
  EXPECT_EQ(store_->RestoreVersion("missing", (*versions)[0].version_id).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(store_->SetTier("x", AccessTier::kArchive));
  EXPECT_EQ(store_->RestoreVersion("x", (*versions)[0].version_id).error().reason, "BlobArchived");
  ASSERT_TRUE(store_->SetTier("x", AccessTier::kHot));
  ASSERT_TRUE(store_->Delete("x"));
  EXPECT_EQ(store_->RestoreVersion("x", (*versions)[0].version_id).error().code,
            ErrorCode::kNotFound);
}

TEST_F(LocalLifecycleTest, VersionIdsStayOrderedWhenTheClockStepsBack) {
  auto first = MustPut("c", "1");
  clock_.Set(kStartTime - 3600);
  Reopen();  // a fresh id source: only the blob's own newest id keeps the order
  auto second = MustPut("c", "2");
  EXPECT_GT(second.version_id, first.version_id);
  EXPECT_NE(second.etag, first.etag);
  auto versions = store_->ListVersions("c");
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->back().version_id, second.version_id);
}

TEST_F(LocalLifecycleTest, DeleteVersionRemovesOnePreviousVersionAndItsFile) {
  MustPut(kName, "one");
  MustPut(kName, "two");
  MustPut(kName, "three");
  auto versions = store_->ListVersions(kName);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 3u);
  const size_t files_before = FilesUnder(BlobDir(kName)).size();

  ASSERT_TRUE(store_->DeleteVersion(kName, (*versions)[0].version_id));
  auto after = store_->ListVersions(kName);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].version_id, (*versions)[1].version_id);
  EXPECT_EQ(FilesUnder(BlobDir(kName)).size(), files_before - 1);
  EXPECT_EQ(MustGet(kName), "three");

  auto again = store_->DeleteVersion(kName, (*versions)[0].version_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "BlobNotFound");
  auto current = store_->DeleteVersion(kName, (*versions)[2].version_id);
  ASSERT_FALSE(current);
  EXPECT_EQ(current.error().reason, "CannotDeleteCurrentVersion");
  EXPECT_EQ(store_->DeleteVersion("generated/alice/01J/none.jpg", "x").error().reason,
            "BlobNotFound");
  // A restore of the deleted version now fails; of the kept one it works.
  EXPECT_FALSE(store_->RestoreVersion(kName, (*versions)[0].version_id));
  ASSERT_TRUE(store_->RestoreVersion(kName, (*versions)[1].version_id));
  EXPECT_EQ(MustGet(kName), "two");
}

TEST_F(LocalLifecycleTest, DiscardOfAFreshBlobLeavesNoFileBehind) {
  MustPut("generated/keep.txt", "neighbour");
  auto image = MustPut(kName, "image");
  auto thumb = MustPut("generated/alice/01J/thumb_0.jpg", "thumbnail");
  // Cached, as after a read: the entry's descriptors must not outlive the blob.
  EXPECT_EQ(MustGet(kName), "image");

  ASSERT_TRUE(store_->Discard(kName, image.version_id));
  EXPECT_FALSE(std::filesystem::exists(BlobDir(kName)));
  EXPECT_EQ(store_->Get(kName).error().code, ErrorCode::kNotFound);
  // Nothing restorable: the blob was never anyone's to keep.
  EXPECT_EQ(store_->Undelete(kName).error().reason, "BlobNotFound");
  ASSERT_TRUE(store_->Discard("generated/alice/01J/thumb_0.jpg", thumb.version_id));
  // The job's directories went with its last blob; the neighbour stays, alone.
  EXPECT_FALSE(std::filesystem::exists(BlobsDir() + "/generated/alice"));
  EXPECT_EQ(FilesUnder(BlobsDir()).size(), 2u);  // keep.txt's meta and data only
  EXPECT_EQ(MustGet("generated/keep.txt"), "neighbour");

  auto again = store_->Discard(kName, image.version_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "BlobNotFound");
  // The name is free for a new blob.
  MustPut(kName, "next");
  EXPECT_EQ(MustGet(kName), "next");
}

TEST_F(LocalLifecycleTest, DiscardWithAnOlderVersionIsDelete) {
  auto v1 = MustPut(kName, "one");
  auto v2 = MustPut(kName, "two");
  const std::vector<std::string> files = FilesUnder(BlobDir(kName));

  ASSERT_TRUE(store_->Discard(kName, v2.version_id));
  // Soft-deleted, history and files kept: the older version is someone's to restore.
  EXPECT_EQ(store_->Get(kName).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(FilesUnder(BlobDir(kName)), files);
  ASSERT_TRUE(store_->Undelete(kName));
  EXPECT_EQ(MustGet(kName), "two");
  auto versions = store_->ListVersions(kName);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 2u);

  // A version that is not the blob's only one (here, a replaced one) is Delete too.
  ASSERT_TRUE(store_->Discard(kName, v1.version_id));
  EXPECT_EQ(store_->Get(kName).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(FilesUnder(BlobDir(kName)), files);
}

TEST_F(LocalLifecycleTest, DiscardOfAnotherWritersBlobIsDelete) {
  MustPut(kName, "theirs");
  // A version id this blob never had: its only version is not the caller's to remove.
  ASSERT_TRUE(store_->Discard(kName, "2026-01-01T00:00:00.0000000Z"));
  EXPECT_TRUE(std::filesystem::exists(BlobDir(kName)));
  ASSERT_TRUE(store_->Undelete(kName));
  EXPECT_EQ(MustGet(kName), "theirs");
}

TEST_F(LocalLifecycleTest, ColdTierIsOnlineAndRecorded) {
  MustPut(kName, "image");
  clock_.Advance(kDay);
  ASSERT_TRUE(store_->SetTier(kName, AccessTier::kCold));
  auto props = store_->GetProperties(kName);
  ASSERT_TRUE(props);
  EXPECT_EQ(props->tier, AccessTier::kCold);
  EXPECT_EQ(props->tier_changed, kStartTime + kDay);
  EXPECT_EQ(MustGet(kName), "image");  // cold is an online tier
  EXPECT_EQ(ParseAccessTier("cold"), AccessTier::kCold);
  EXPECT_EQ(AccessTierName(AccessTier::kCold), "Cold");
}

}  // namespace
}  // namespace noisett::storage::testing
