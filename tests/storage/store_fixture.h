// A LocalBlobStore on a fresh temporary directory with a ManualClock, for the storage suites; plus
// small helpers to look at the files underneath (the tests check the layout's promises directly).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "storage/local_blob_store.h"

namespace noisett::storage::testing {

inline constexpr int64_t kStartTime = 1'800'000'000;  // 2027-01-15, a fixed instant

class StoreTest : public ::testing::Test {
 protected:
  StoreTest();
  ~StoreTest() override;

  // Closes the store and opens it again on the same directory (as after a restart).
  void Reopen();
  // Put with default options; fails the test on error.
  BlobProperties MustPut(const std::string& name, const std::string& bytes,
                         PutOptions options = {});
  std::string MustGet(const std::string& name);

  // ROOT/noisett-storage/blobs
  std::string BlobsDir() const { return root_ + "/noisett-storage/blobs"; }
  // The directory holding blob `name` ("a/b" → BLOBS/a/b@).
  std::string BlobDir(const std::string& name) const { return BlobsDir() + "/" + name + "@"; }
  // Regular files under `dir`, recursively (paths relative to it).
  static std::vector<std::string> FilesUnder(const std::string& dir);
  static void WriteFile(const std::string& path, const std::string& bytes);
  static std::string ReadFile(const std::string& path);

  std::string temp_;  // the test's own temp dir; root_ lives inside it
  std::string root_;
  ManualClock clock_{kStartTime};
  std::unique_ptr<LocalBlobStore> store_;
};

}  // namespace noisett::storage::testing
