// LocalBlobStore's read cache on real files: repeated reads are answered from it, and every write
// is seen on the very next read, whether it came through the same store object or through a
// second one on the same directory (as another process would write), even within one tick of the
// clock the file times come from; a symlink put in place of a cached blob's directory is never
// read through; a directory moved by hand is seen within a second; many readers never see a torn
// or mismatched version. Also the cache's own bound.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/local_read_cache.h"
#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kThumb = "generated/alice/01JDQ5ZK8X3F0M7QWJ9N2V4B6C/thumb_0.jpg";

class LocalReadCacheTest : public StoreTest {
 protected:
  void SetUp() override {
    LocalStoreConfig config;
    config.root = root_;
    auto opened = LocalBlobStore::Open(config, clock_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    other_ = std::move(*opened);
  }

  // Writes `name` and reads it once, so the next read of the first store can be a hit.
  BlobProperties PutAndCache(const std::string& name, const std::string& bytes) {
    BlobProperties put = MustPut(name, bytes);
    EXPECT_EQ(MustGet(name), bytes);
    return put;
  }

  ReadCacheStats Stats() const { return store_->read_cache_stats(); }

  void ExpectNotFound(const std::string& name) {
    auto got = store_->Get(name);
    ASSERT_FALSE(got) << name;
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << name;
    auto props = store_->GetProperties(name);
    ASSERT_FALSE(props) << name;
    EXPECT_EQ(props.error().code, ErrorCode::kNotFound) << name;
  }

  // A second store object on the same directory: its writes reach the first one only through
  // the files, exactly as another process's would.
  std::unique_ptr<LocalBlobStore> other_;
};

// Content whose bytes name the version they belong to, of a size that changes with it.
std::string Content(int version) {
  return "version-" + std::to_string(version) + ":" +
         std::string(1000 + version * 997, 'a' + version % 26);
}

TEST_F(LocalReadCacheTest, SecondGetIsAHitWithTheSameBytesAndProperties) {
  PutOptions options;
  options.content_type = "image/jpeg";
  options.tags = {{"subscription_tier", "pro"}};
  MustPut(kThumb, "thumb bytes", options);
  auto first = store_->Get(kThumb);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(Stats().hits, 0u);
  EXPECT_EQ(Stats().fills, 1u);
  auto second = store_->Get(kThumb);
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(Stats().hits, 1u);
  EXPECT_EQ(Stats().fills, 1u);
  EXPECT_EQ(second->bytes, "thumb bytes");
  EXPECT_EQ(second->bytes, first->bytes);
  const BlobProperties& a = first->properties;
  const BlobProperties& b = second->properties;
  EXPECT_EQ(b.name, a.name);
  EXPECT_EQ(b.etag, a.etag);
  EXPECT_EQ(b.version_id, a.version_id);
  EXPECT_EQ(b.size, a.size);
  EXPECT_EQ(b.content_type, "image/jpeg");
  EXPECT_EQ(b.tags, options.tags);
  EXPECT_EQ(b.created, a.created);
  EXPECT_EQ(b.last_modified, a.last_modified);
  EXPECT_TRUE(b.is_current_version);
  auto props = store_->GetProperties(kThumb);
  ASSERT_TRUE(props);
  EXPECT_EQ(props->etag, a.etag);
  EXPECT_EQ(Stats().hits, 2u);
}

TEST_F(LocalReadCacheTest, AReadForServingIsTheOpenDataFileWithEverythingButTags) {
  PutOptions options;
  options.content_type = "image/jpeg";
  options.cache_control = "public, max-age=31536000, immutable";
  options.tags = {{"subscription_tier", "free"}, {"blob_kind", "image"}};
  const BlobProperties put = MustPut(kThumb, "0123456789", options);
  for (int i = 0; i < 2; ++i) {  // filling the cache, then from it
    auto whole = store_->Get(kThumb, std::nullopt, ReadAs::kFile);
    ASSERT_TRUE(whole) << whole.error().ToString();
    ASSERT_TRUE(whole->file);
    EXPECT_TRUE(whole->bytes.empty());
    EXPECT_EQ(whole->file->offset, 0u);
    EXPECT_EQ(whole->file->length, 10u);
    std::string bytes(10, '\0');
    ASSERT_EQ(::pread(whole->file->fd, bytes.data(), bytes.size(), 0), 10);
    EXPECT_EQ(bytes, "0123456789");
    const BlobProperties& p = whole->properties;
    EXPECT_EQ(p.etag, put.etag);
    EXPECT_EQ(p.size, 10u);
    EXPECT_EQ(p.content_type, "image/jpeg");
    EXPECT_EQ(p.cache_control, options.cache_control);
    EXPECT_EQ(p.last_modified, put.last_modified);
    EXPECT_EQ(p.version_id, put.version_id);
    EXPECT_TRUE(p.tags.empty());  // no answer carries them (blob_store.h, ReadAs)
    auto part = store_->Get(kThumb, ByteRange{3, 4}, ReadAs::kFile);
    ASSERT_TRUE(part);
    ASSERT_TRUE(part->file);
    EXPECT_EQ(part->file->offset, 3u);
    EXPECT_EQ(part->file->length, 4u);
    EXPECT_EQ(part->range_offset, 3u);
  }
  EXPECT_EQ(store_->Get(kThumb)->properties.tags, options.tags);  // a plain Get keeps them
}

TEST_F(LocalReadCacheTest, GetPropertiesFirstThenGetOpensTheDataOnce) {
  MustPut("p", "bytes");
  ASSERT_TRUE(store_->GetProperties("p"));  // fills the record only
  EXPECT_EQ(MustGet("p"), "bytes");         // a hit without data: the safe path opens it
  EXPECT_EQ(Stats().fills, 2u);
  EXPECT_EQ(MustGet("p"), "bytes");
  EXPECT_EQ(Stats().fills, 2u);
  EXPECT_EQ(Stats().hits, 2u);
}

TEST_F(LocalReadCacheTest, RangedReadsFromTheCache) {
  PutAndCache("r", "0123456789");
  auto middle = store_->Get("r", ByteRange{3, 4});
  ASSERT_TRUE(middle);
  EXPECT_EQ(middle->bytes, "3456");
  EXPECT_EQ(middle->range_offset, 3u);
  EXPECT_EQ(middle->properties.size, 10u);
  auto tail = store_->Get("r", ByteRange{7, 100});
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->bytes, "789");
  auto past = store_->Get("r", ByteRange{10, std::nullopt});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().reason, "InvalidRange");
  EXPECT_EQ(Stats().hits, 3u);
  EXPECT_EQ(Stats().fills, 1u);
}

TEST_F(LocalReadCacheTest, OverwriteThroughTheSameStoreIsSeenAtOnce) {
  auto one = PutAndCache("o", "one");
  auto two = MustPut("o", "two");  // same size, same second
  auto got = store_->Get("o");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->bytes, "two");
  EXPECT_EQ(got->properties.etag, two.etag);
  EXPECT_NE(got->properties.etag, one.etag);
}

TEST_F(LocalReadCacheTest, OverwriteThroughASecondStoreIsSeenAtOnce) {
  auto one = PutAndCache(kThumb, "first");
  EXPECT_EQ(MustGet(kThumb), "first");
  auto two = other_->Put(kThumb, "again", {});
  ASSERT_TRUE(two);
  auto got = store_->Get(kThumb);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->bytes, "again");
  EXPECT_EQ(got->properties.etag, two->etag);
  EXPECT_NE(got->properties.etag, one.etag);
  // Restoring the first version makes a new version with the old bytes.
  ASSERT_TRUE(other_->RestoreVersion(kThumb, one.version_id));
  got = store_->Get(kThumb);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->bytes, "first");
  EXPECT_NE(got->properties.etag, one.etag);
  EXPECT_NE(got->properties.etag, two->etag);
}

TEST_F(LocalReadCacheTest, RecordChangesThroughASecondStoreAreSeenAtOnce) {
  MustPut("t", "x");
  // Equal-sized records in quick succession: only the file's identity tells them apart, and the
  // file system is free to reuse a replaced file's inode number.
  for (int i = 0; i < 100; ++i) {
    char value[8];
    std::snprintf(value, sizeof value, "v%03d", i);
    ASSERT_TRUE(other_->SetTags("t", {{"k", value}}));
    auto props = store_->GetProperties("t");
    ASSERT_TRUE(props);
    ASSERT_EQ(props->tags, (Tags{{"k", value}})) << "after " << i << " changes";
  }
}

TEST_F(LocalReadCacheTest, DeleteThroughASecondStoreIsSeenAtOnce) {
  PutAndCache("d", "doomed");
  ASSERT_TRUE(other_->Delete("d"));
  ExpectNotFound("d");
  ASSERT_TRUE(other_->Undelete("d"));
  EXPECT_EQ(MustGet("d"), "doomed");
}

TEST_F(LocalReadCacheTest, ArchiveThroughASecondStoreIsRefusedAtOnce) {
  PutAndCache("a", "cold");
  ASSERT_TRUE(other_->SetTier("a", AccessTier::kArchive));
  for (int i = 0; i < 2; ++i) {  // from the safe path, then from the cache
    auto got = store_->Get("a");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kConflict);
    EXPECT_EQ(got.error().reason, "BlobArchived");
  }
  auto props = store_->GetProperties("a");
  ASSERT_TRUE(props);
  EXPECT_EQ(props->tier, AccessTier::kArchive);
  ASSERT_TRUE(other_->SetTier("a", AccessTier::kHot));
  EXPECT_EQ(MustGet("a"), "cold");
}

TEST_F(LocalReadCacheTest, PurgeThroughASecondStoreIsSeenAndReleasesTheEntry) {
  PutAndCache("gone", "bytes");
  ASSERT_TRUE(store_->Delete("gone"));
  clock_.Advance(8 * 86400);
  ASSERT_TRUE(other_->PurgeExpired());
  ASSERT_FALSE(fs::exists(BlobDir("gone")));
  ExpectNotFound("gone");
  EXPECT_EQ(Stats().entries, 0u);
}

TEST_F(LocalReadCacheTest, BlobDirectoryReplacedBySymlinkIsNeverReadThrough) {
  const std::string outside = temp_ + "/outside";
  fs::create_directories(outside);
  for (const char* name : {"s/direct", "s/deep/blob"}) PutAndCache(name, "inside");
  // The blob directory itself, and a directory on the way, replaced by symlinks to copies.
  fs::copy(BlobDir("s/direct"), outside + "/direct@");
  fs::remove_all(BlobDir("s/direct"));
  fs::create_directory_symlink(outside + "/direct@", BlobDir("s/direct"));
  fs::copy(BlobsDir() + "/s/deep", outside + "/deep", fs::copy_options::recursive);
  fs::remove_all(BlobsDir() + "/s/deep");
  fs::create_directory_symlink(outside + "/deep", BlobsDir() + "/s/deep");
  // The copies are byte for byte what was cached; only the path to them has a symlink.
  ASSERT_TRUE(fs::exists(BlobDir("s/direct") + "/meta.json"));
  ASSERT_TRUE(fs::exists(BlobDir("s/deep/blob") + "/meta.json"));
  for (int i = 0; i < 2; ++i) {
    ExpectNotFound("s/direct");
    ExpectNotFound("s/deep/blob");
  }
  EXPECT_EQ(Stats().entries, 0u);
}

TEST_F(LocalReadCacheTest, ReadersNeverSeeBytesThatDoNotMatchTheirEtag) {
  constexpr int kVersions = 40;
  constexpr int kReaders = 4;
  std::mutex written_mu;
  std::map<std::string, std::string> written;  // etag → bytes; GUARDED_BY(written_mu)
  auto first = MustPut("hot", Content(0));
  written[first.etag] = Content(0);
  std::atomic<bool> stop{false};
  std::vector<std::map<std::string, std::string>> seen(kReaders);  // per reader: etag → bytes
  std::atomic<int> bad_reads{0}, reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      while (!stop.load()) {
        auto got = store_->Get("hot");
        ++reads;
        if (!got) {
          ++bad_reads;
          continue;
        }
        auto [it, fresh] = seen[r].emplace(got->properties.etag, got->bytes);
        if (!fresh && it->second != got->bytes) ++bad_reads;  // one ETag, two contents
        if (got->bytes.size() != got->properties.size) ++bad_reads;
      }
    });
  }
  for (int v = 1; v < kVersions; ++v) {
    auto put = other_->Put("hot", Content(v), {});
    ASSERT_TRUE(put) << put.error().ToString();
    std::lock_guard lock(written_mu);
    written[put->etag] = Content(v);
  }
  stop = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(bad_reads.load(), 0) << "of " << reads.load() << " reads";
  for (const auto& reader_seen : seen) {
    for (const auto& [etag, bytes] : reader_seen) {
      ASSERT_TRUE(written.count(etag)) << etag;
      EXPECT_EQ(bytes, written[etag]) << etag;
    }
  }
  auto last = store_->Get("hot");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->bytes, Content(kVersions - 1));
  EXPECT_GT(Stats().hits, 0u);
}

TEST_F(LocalReadCacheTest, ADirectoryMovedOutsideTheStoreIsSeenWithinASecond) {
  // The store never renames a directory; a person or a tool might. The held meta.json is intact
  // then (still linked, elsewhere), so only the path check, once a second, sees it.
  PutAndCache("m/moved", "old place");
  PutAndCache("m/swapped", "first");
  fs::rename(BlobDir("m/moved"), BlobsDir() + "/m/elsewhere@");
  fs::rename(BlobDir("m/swapped"), BlobsDir() + "/m/aside@");
  ASSERT_TRUE(other_->Put("m/swapped", "second", {}));  // a new directory in its place
  clock_.Advance(1);
  ExpectNotFound("m/moved");
  EXPECT_EQ(MustGet("m/swapped"), "second");
  EXPECT_EQ(MustGet("m/swapped"), "second");  // from the cache again
}

TEST_F(LocalReadCacheTest, AHeldMetaJsonUnlinkedWithinOneClockTickIsSeen) {
  // Times on disk move with the kernel's tick; the link count does not wait for it. A record
  // rewritten at once to the same size, by another store, is seen on the very next read.
  MustPut("tick", "x");
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(store_->GetProperties("tick")->deleted);
    ASSERT_TRUE(other_->Delete("tick"));
    ExpectNotFound("tick");
    ASSERT_TRUE(other_->Undelete("tick"));
  }
}

std::shared_ptr<const CachedBlob> EntryWith(uint64_t inode) {
  auto entry = std::make_shared<CachedBlob>();
  entry->meta_identity.inode = inode;
  return entry;
}

TEST(LocalReadCacheUnitTest, FindsByNameAndInsertReplaces) {
  LocalReadCache cache;
  cache.Insert("a", EntryWith(1));
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("a")->meta_identity.inode, 1u);
  EXPECT_EQ(cache.Find("b"), nullptr);
  cache.Insert("a", EntryWith(2));  // replaces
  EXPECT_EQ(cache.Find("a")->meta_identity.inode, 2u);
  cache.Erase("a");
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Stats().entries, 0u);
  EXPECT_EQ(cache.Stats().hits, 3u);
  EXPECT_EQ(cache.Stats().fills, 2u);
}

TEST(LocalReadCacheUnitTest, StaysWithinItsCapacityAndKeepsRecentlyUsedEntries) {
  LocalReadCache cache(64);  // four per shard
  cache.Insert("kept", EntryWith(0));
  for (int i = 0; i < 1000; ++i) {
    cache.Insert("blob" + std::to_string(i), EntryWith(0));
    // Used after every insert, so never the least recently used of its shard.
    ASSERT_NE(cache.Find("kept"), nullptr) << i;
  }
  EXPECT_LE(cache.Stats().entries, 64u);
  EXPECT_NE(cache.Find("blob999"), nullptr);
  EXPECT_EQ(cache.Find("blob0"), nullptr);
}

}  // namespace
}  // namespace noisett::storage::testing
