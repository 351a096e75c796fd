// LocalBlobStore under hostile or unlucky conditions: names that try to escape, symlinks planted
// in the tree, leftovers of a crash, and many threads at once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/local_fs.h"
#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

namespace fs = std::filesystem;

using LocalSafetyTest = StoreTest;

TEST_F(LocalSafetyTest, EveryEntryPointRefusesEscapingNames) {
  const std::string bad[] = {
      "../escape", "/etc/passwd",        "a//b", "a/", "./x", "a\\..\\b", std::string("a\0b", 3),
      "%2e%2e",    std::string(300, 'a')};
  for (const std::string& name : bad) {
    auto expect_invalid = [&](const Error& e) {
      EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << name;
      EXPECT_EQ(e.reason, "InvalidBlobName") << name;
    };
    expect_invalid(store_->Put(name, "x", {}).error());
    expect_invalid(store_->Get(name).error());
    expect_invalid(store_->GetProperties(name).error());
    expect_invalid(store_->Delete(name).error());
    expect_invalid(store_->Undelete(name).error());
    expect_invalid(store_->SetTier(name, AccessTier::kCool).error());
    expect_invalid(store_->SetTags(name, {}).error());
    expect_invalid(store_->ListVersions(name).error());
    expect_invalid(store_->RestoreVersion(name, "2027-01-15T08:00:00.0000000Z").error());
  }
  // Nothing was created anywhere near the root.
  EXPECT_TRUE(FilesUnder(temp_).empty());
}

TEST_F(LocalSafetyTest, LongNamesWithShortSegmentsWork) {
  std::string name;
  while (name.size() + 2 <= 1024) name += name.empty() ? "a" : "/a";
  ASSERT_LE(name.size(), 1024u);
  MustPut(name, "deep");
  EXPECT_EQ(MustGet(name), "deep");
  ListOptions options;
  options.prefix = "a/a/";
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, name);
}

TEST_F(LocalSafetyTest, SymlinkPlantedInTheTreeIsNeverFollowed) {
  // Outside the root: a directory shaped exactly like a blob directory.
  const std::string outside = temp_ + "/outside";
  MustPut("bait/secret", "inside");  // a real blob to copy the shape from
  fs::create_directories(outside);
  fs::copy(BlobDir("bait/secret"), outside + "/secret@");
  const std::string before_outside = ReadFile(outside + "/secret@/meta.json");
  // Plant: blobs/generated -> outside, and a blob directory that is itself a symlink.
  fs::create_directory_symlink(outside, BlobsDir() + "/generated");
  fs::create_directory_symlink(outside + "/secret@", BlobsDir() + "/direct@");

  for (const char* name : {"generated/secret", "direct"}) {
    EXPECT_EQ(store_->Get(name).error().code, ErrorCode::kNotFound) << name;
    EXPECT_EQ(store_->GetProperties(name).error().code, ErrorCode::kNotFound) << name;
    EXPECT_FALSE(store_->Delete(name)) << name;
    EXPECT_FALSE(store_->SetTags(name, {{"a", "b"}})) << name;
    auto put = store_->Put(name, "overwrite", {});
    ASSERT_FALSE(put) << name;
    EXPECT_EQ(put.error().code, ErrorCode::kConflict) << name;
    EXPECT_EQ(put.error().reason, "BlobPathConflict") << name;
  }
  EXPECT_FALSE(store_->Put("generated/new/file", "x", {}));
  ListOptions all;
  auto page = store_->List(all);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);  // only bait/secret
  EXPECT_EQ(page->items[0].name, "bait/secret");
  ListOptions under;
  under.prefix = "generated/";
  EXPECT_TRUE(store_->List(under)->items.empty());
  // The outside directory is untouched.
  EXPECT_EQ(ReadFile(outside + "/secret@/meta.json"), before_outside);
  EXPECT_FALSE(fs::exists(outside + "/new"));
  EXPECT_EQ(FilesUnder(outside).size(), 2u);
  // Purge and the clean-up at open do not wander in either.
  ASSERT_TRUE(store_->PurgeExpired());
  Reopen();
  EXPECT_EQ(FilesUnder(outside).size(), 2u);
}

TEST_F(LocalSafetyTest, SymlinkedFilesInsideABlobAreRefused) {
  auto put = MustPut("f", "real");
  const std::string outside = temp_ + "/outside.txt";
  WriteFile(outside, "secret");
  const std::string data = BlobDir("f") + "/" + put.version_id;
  fs::remove(data);
  fs::create_symlink(outside, data);
  auto got = store_->Get("f");
  EXPECT_FALSE(got);
  EXPECT_EQ(ReadFile(outside), "secret");
}

TEST_F(LocalSafetyTest, CrashLeftoversAreIgnoredAndCleanedAtOpen) {
  auto committed = MustPut("crash/a", "committed");
  const std::string dir = BlobDir("crash/a");
  // A write that died before its rename, one that died after it but before the meta commit, and
  // a first write of a new blob that never committed at all.
  WriteFile(dir + "/.tmp-dead-1", "half a bl");
  WriteFile(dir + "/2027-01-15T09:00:00.0000000Z", "uncommitted");
  WriteFile(BlobDir("crash/b") + "/.tmp-dead-2", "partial");
  WriteFile(BlobDir("crash/b") + "/2027-01-15T09:00:00.0000000Z", "never committed");
  WriteFile(BlobsDir() + "/.tmp-probe", "");

  ListOptions options;
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "crash/a");
  EXPECT_EQ(MustGet("crash/a"), "committed");
  EXPECT_EQ(store_->Get("crash/b").error().code, ErrorCode::kNotFound);

  Reopen();
  EXPECT_EQ(FilesUnder(dir), (std::vector<std::string>{committed.version_id, "meta.json"}));
  EXPECT_FALSE(fs::exists(BlobDir("crash/b")));
  EXPECT_FALSE(fs::exists(BlobsDir() + "/.tmp-probe"));
  EXPECT_EQ(MustGet("crash/a"), "committed");
  // A later write may reuse the id the dead write had picked.
  clock_.Set(kStartTime + 3600);
  auto next = MustPut("crash/a", "next");
  EXPECT_EQ(next.version_id, "2027-01-15T09:00:00.0000000Z");
  EXPECT_EQ(MustGet("crash/a"), "next");
}

TEST_F(LocalSafetyTest, HandMadeEntriesAreNotBlobs) {
  MustPut("real", "x");
  fs::create_directories(BlobsDir() + "/bad name@");
  fs::copy(BlobDir("real"), BlobsDir() + "/bad name@");
  fs::create_directories(BlobsDir() + "/a b/c@");
  WriteFile(BlobsDir() + "/stray.txt", "stray");
  ListOptions options;
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "real");
}

TEST_F(LocalSafetyTest, CorruptMetaIsAnErrorNotACrash) {
  MustPut("c/bad", "x");
  MustPut("c/good", "y");
  WriteFile(BlobDir("c/bad") + "/meta.json",
            "{\"format\":1,\"versions\":[{\"version_id\":\"../x\"}]}");
  auto got = store_->Get("c/bad");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().reason, "StoreCorrupt");
  ListOptions options;
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);  // the damaged one is skipped, not fatal
  EXPECT_EQ(page->items[0].name, "c/good");
  Reopen();  // the clean-up leaves a damaged blob's files alone
  EXPECT_EQ(FilesUnder(BlobDir("c/bad")).size(), 2u);
}

TEST_F(LocalSafetyTest, ConcurrentPutsOfDifferentNames) {
  constexpr int kThreads = 8;
  constexpr int kNames = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kNames; i += kThreads) {
        const std::string name = "c/user" + std::to_string(i % 7) + "/blob" + std::to_string(i);
        if (!store_->Put(name, "content-" + std::to_string(i), {})) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  ListOptions options;
  options.prefix = "c/";
  options.max_results = 5000;
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), static_cast<size_t>(kNames));
  for (int i = 0; i < kNames; ++i) {
    EXPECT_EQ(MustGet("c/user" + std::to_string(i % 7) + "/blob" + std::to_string(i)),
              "content-" + std::to_string(i));
  }
}

TEST_F(LocalSafetyTest, ConcurrentPutAndGetOfOneNameNeverTear) {
  // Contents of different sizes and fill bytes: a torn read would mix them or cut one short.
  std::vector<std::string> contents;
  for (int i = 0; i < 6; ++i) contents.push_back(std::string(1000 + i * 70'001, 'a' + i));
  const std::set<std::string> allowed(contents.begin(), contents.end());
  MustPut("hot", contents[0]);
  std::atomic<bool> stop{false};
  std::atomic<int> bad_reads{0}, reads{0}, write_failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 40; ++i) {
        if (!store_->Put("hot", contents[(w + i) % contents.size()], {})) ++write_failures;
      }
    });
  }
  for (int r = 0; r < 5; ++r) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        auto got = store_->Get("hot");
        ++reads;
        if (!got || !allowed.count(got->bytes) || got->bytes.size() != got->properties.size) {
          ++bad_reads;
        }
      }
    });
  }
  for (int w = 0; w < 3; ++w) threads[w].join();
  stop = true;
  for (size_t i = 3; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(write_failures.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0) << "of " << reads.load() << " reads";
  auto versions = store_->ListVersions("hot");
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 121u);
  for (size_t i = 1; i < versions->size(); ++i) {
    EXPECT_LT((*versions)[i - 1].version_id, (*versions)[i].version_id);
  }
}

TEST_F(LocalSafetyTest, PurgeWhileWriting) {
  for (int i = 0; i < 20; ++i) {
    MustPut("p/old" + std::to_string(i), "x");
    ASSERT_TRUE(store_->Delete("p/old" + std::to_string(i)));
  }
  clock_.Advance(8 * 86400);
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i) {
      if (!store_->Put("p/new" + std::to_string(i), "y", {})) ++failures;
    }
  });
  ASSERT_TRUE(store_->PurgeExpired());
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  ListOptions options;
  options.prefix = "p/";
  options.include_deleted = true;
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 50u);
}

// A full volume or an exhausted quota is its own failure (507 at the edge), not a generic
// "store unavailable" (503): retrying in 5 s will not help, freeing space will.
TEST(LocalFsErrnoTest, OutOfSpaceIsInsufficientStorage) {
  for (int err : {ENOSPC, EDQUOT}) {
    const Error e = local_fs::ErrnoError("write", err);
    EXPECT_EQ(e.code, ErrorCode::kInsufficientStorage) << err;
    EXPECT_EQ(e.reason, "insufficient_storage");
    EXPECT_NE(e.message.find("out of space"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find(std::strerror(err)), std::string::npos) << e.message;
  }
  EXPECT_EQ(local_fs::ErrnoError("write", EIO).code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace noisett::storage::testing
