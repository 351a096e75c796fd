// ReadFileCapped and WriteFileAtomic on a temporary directory.
#include "app/file_io.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <limits>

namespace noisett::app {
namespace {

namespace fs = std::filesystem;

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "noisett_io_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(FileIoTest, WriteThenReadRoundTrips) {
  const fs::path p = dir_ / "a.bin";
  const std::string data("binary\0data\xFF", 12);
  ASSERT_TRUE(WriteFileAtomic(p, data));
  auto r = ReadFileCapped(p, 100);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, data);
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
}

TEST_F(FileIoTest, WriteReplacesAndLeavesNoTemporaries) {
  const fs::path p = dir_ / "a.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "first version, longer"));
  ASSERT_TRUE(WriteFileAtomic(p, "second"));
  EXPECT_EQ(*ReadFileCapped(p, 100), "second");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "a.txt");
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(FileIoTest, ReadStopsOneBytePastTheCap) {
  const fs::path p = dir_ / "big.txt";
  ASSERT_TRUE(WriteFileAtomic(p, std::string(1000, 'x')));
  auto capped = ReadFileCapped(p, 10);
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->size(), 11u);
  auto exact = ReadFileCapped(p, 1000);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->size(), 1000u);
}

TEST_F(FileIoTest, ReadWithTheLargestCapReadsEverything) {
  // max_bytes + 1 must not wrap around to a cap of zero.
  const fs::path p = dir_ / "all.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "0123456789"));
  auto r = ReadFileCapped(p, std::numeric_limits<uint64_t>::max());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, "0123456789");
}

TEST_F(FileIoTest, ReadEmptyFile) {
  const fs::path p = dir_ / "empty";
  ASSERT_TRUE(WriteFileAtomic(p, ""));
  auto r = ReadFileCapped(p, 10);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

TEST_F(FileIoTest, ReadErrors) {
  auto missing = ReadFileCapped(dir_ / "nope", 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().reason, "not_found");
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);

  auto directory = ReadFileCapped(dir_, 10);
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(directory.error().reason, "not_a_file");
}

TEST_F(FileIoTest, WriteIntoMissingDirectoryFails) {
  auto r = WriteFileAtomic(dir_ / "no" / "such" / "dir.txt", "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("dir.txt"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace noisett::app
