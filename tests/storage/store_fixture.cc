// StoreTest; see store_fixture.h.
#include "storage/store_fixture.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace noisett::storage::testing {

namespace fs = std::filesystem;

StoreTest::StoreTest() {
  std::string pattern = (fs::temp_directory_path() / "noisett-store-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  temp_ = pattern;
  root_ = temp_ + "/root";
  Reopen();
}

StoreTest::~StoreTest() {
  store_.reset();
  std::error_code ignored;
  fs::remove_all(temp_, ignored);
}

void StoreTest::Reopen() {
  store_.reset();
  LocalStoreConfig config;
  config.root = root_;
  auto opened = LocalBlobStore::Open(config, clock_);
  if (!opened) throw std::runtime_error("open: " + opened.error().ToString());
  store_ = std::move(*opened);
}

BlobProperties StoreTest::MustPut(const std::string& name, const std::string& bytes,
                                  PutOptions options) {
  auto put = store_->Put(name, bytes, options);
  EXPECT_TRUE(put) << name << ": " << (put ? "" : put.error().ToString());
  return put ? *put : BlobProperties{};
}

std::string StoreTest::MustGet(const std::string& name) {
  auto got = store_->Get(name);
  EXPECT_TRUE(got) << name << ": " << (got ? "" : got.error().ToString());
  return got ? got->bytes : std::string();
}

std::vector<std::string> StoreTest::FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void StoreTest::WriteFile(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string StoreTest::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace noisett::storage::testing
