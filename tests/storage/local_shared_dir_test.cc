// Several LocalBlobStore instances on one directory, as several processes (`noisett serve` x3,
// fsck, the CLI) open it. flock locks belong to an open file description, so two stores in one
// process contend exactly as two processes do: these tests exercise the cross-process locking
// in-process. (scripts/scaleout.sh --store local runs the real multi-process case.)
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

namespace fs = std::filesystem;

class LocalSharedDirTest : public StoreTest {
 protected:
  // Another opener of the same directory (another process, as far as the store can tell).
  std::unique_ptr<LocalBlobStore> OpenAnother() {
    LocalStoreConfig config;
    config.root = root_;
    auto opened = LocalBlobStore::Open(config, clock_);
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().ToString());
    return opened ? std::move(*opened) : nullptr;
  }

  // Sets the file's modification time to `seconds` (the store's clock is a ManualClock).
  static void SetMtime(const std::string& path, int64_t seconds) {
    const timespec times[2] = {{seconds, 0}, {seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
  }
};

// Upload's claim of an image index is a create-only Put; three instances racing for one index
// must leave exactly one winner, with one version, or the losers' rollback removes the winner's
// image (the images scaleout.sh --store local used to lose).
TEST_F(LocalSharedDirTest, CreateOnlyPutHasOneWinnerAcrossStores) {
  constexpr int kStores = 3;
  constexpr int kRounds = 40;
  std::vector<std::unique_ptr<LocalBlobStore>> stores;
  for (int s = 0; s < kStores; ++s) stores.push_back(OpenAnother());
  PutOptions claim;
  claim.if_none_match_any = true;
  for (int round = 0; round < kRounds; ++round) {
    const std::string name = "race/job" + std::to_string(round) + "/image_0.jpg";
    std::atomic<int> ready{0}, winners{0}, errors{0};
    std::vector<std::thread> threads;
    for (int s = 0; s < kStores; ++s) {
      threads.emplace_back([&, s] {
        ++ready;
        while (ready.load() < kStores) {
        }
        auto put = stores[s]->Put(name, "from store " + std::to_string(s), claim);
        if (put) {
          ++winners;
        } else if (!IsConditionNotMet(put.error())) {
          ++errors;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(winners.load(), 1) << name;
    EXPECT_EQ(errors.load(), 0) << name;
    auto versions = stores[0]->ListVersions(name);
    ASSERT_TRUE(versions) << name;
    EXPECT_EQ(versions->size(), 1u) << name;
  }
}

// Each commit is a read-modify-write of meta.json: done by two stores at once without a shared
// lock, one of them drops the other's version.
TEST_F(LocalSharedDirTest, PutsFromTwoStoresKeepEveryVersion) {
  constexpr int kPerStore = 30;
  auto other = OpenAnother();
  ASSERT_TRUE(other);
  std::atomic<int> failures{0};
  auto writer = [&](LocalBlobStore& store, char fill) {
    for (int i = 0; i < kPerStore; ++i) {
      if (!store.Put("shared/hot", std::string(100 + i, fill), {})) ++failures;
    }
  };
  std::thread a(writer, std::ref(*store_), 'a');
  std::thread b(writer, std::ref(*other), 'b');
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  auto versions = store_->ListVersions("shared/hot");
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 2u * kPerStore);
  for (const BlobProperties& v : *versions) {
    EXPECT_TRUE(fs::exists(BlobDir("shared/hot") + "/" + v.version_id)) << v.version_id;
  }
}

// fsck, catalog.rebuild and every direct-mode CLI command open the store (and so run the
// clean-up) beside a live server. The ManualClock stands weeks after the files' real times, so
// every file looks old here: only the locks protect the writes in flight.
TEST_F(LocalSharedDirTest, OpeningBesideAWriterLosesNothing) {
  std::atomic<bool> stop{false};
  std::atomic<int> opens{0};
  std::thread opener([&] {
    while (!stop.load()) {
      if (OpenAnother()) ++opens;
    }
  });
  std::map<std::string, std::string> acknowledged;
  int failures = 0;
  for (int i = 0; i < 150; ++i) {
    // New blobs in new directories (the clean-up removes directories without meta.json) and new
    // versions of existing ones (it removes version files meta.json does not name yet).
    const std::string name = "w/job" + std::to_string(i % 50) + "/image_" + std::to_string(i % 3);
    const std::string bytes = "write " + std::to_string(i);
    auto put = store_->Put(name, bytes, {});
    if (put) {
      acknowledged[name] = bytes;
    } else {
      ++failures;
      ADD_FAILURE() << name << ": " << put.error().ToString();
    }
  }
  stop = true;
  opener.join();
  EXPECT_GT(opens.load(), 0);
  EXPECT_EQ(failures, 0);
  auto fresh = OpenAnother();
  ASSERT_TRUE(fresh);
  for (const auto& [name, bytes] : acknowledged) {
    auto got = fresh->Get(name);
    ASSERT_TRUE(got) << name << ": " << got.error().ToString();
    EXPECT_EQ(got->bytes, bytes) << name;
  }
}

// The clean-up removes a temp file only when it is both old and unlocked (kAbandonedTempAge).
TEST_F(LocalSharedDirTest, TempFilesGoOnlyWhenOldAndUnlocked) {
  MustPut("t/a", "committed");
  const int64_t now = clock_.NowSeconds();
  const int64_t old = now - kAbandonedTempAgeSeconds - 60;
  const std::string young = BlobDir("t/a") + "/.tmp-young";
  const std::string dead = BlobDir("t/a") + "/.tmp-dead";
  const std::string held = BlobDir("t/a") + "/.tmp-held";
  const std::string probe = BlobsDir() + "/.tmp-probe-young";
  // A first write of a new blob: its directory has no meta.json yet, only a live temp file.
  const std::string first = BlobDir("t/new") + "/.tmp-first";
  for (const std::string& path : {young, dead, held, probe, first}) WriteFile(path, "bytes");
  SetMtime(young, now - 60);
  SetMtime(probe, now - 60);
  SetMtime(dead, old);
  SetMtime(held, old);
  SetMtime(first, old);
  // Writers that are still alive, as far as anyone can tell: they hold their files' locks.
  const int held_fd = ::open(held.c_str(), O_RDONLY | O_CLOEXEC);
  const int first_fd = ::open(first.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(held_fd, 0);
  ASSERT_GE(first_fd, 0);
  ASSERT_EQ(::flock(held_fd, LOCK_EX), 0);
  ASSERT_EQ(::flock(first_fd, LOCK_EX), 0);

  Reopen();
  EXPECT_TRUE(fs::exists(young));
  EXPECT_TRUE(fs::exists(probe));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(held));
  EXPECT_TRUE(fs::exists(first));
  EXPECT_EQ(MustGet("t/a"), "committed");

  // The writers die: their locks go with them, and the next open removes what they left.
  ::close(held_fd);
  ::close(first_fd);
  Reopen();
  EXPECT_FALSE(fs::exists(held));
  EXPECT_FALSE(fs::exists(BlobDir("t/new")));
  EXPECT_TRUE(fs::exists(young));  // still younger than the threshold
  EXPECT_EQ(MustGet("t/a"), "committed");
}

}  // namespace
}  // namespace noisett::storage::testing
