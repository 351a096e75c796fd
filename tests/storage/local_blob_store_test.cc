// LocalBlobStore basics on real files: bytes round trip, properties, byte ranges, ETags, tags,
// preconditions, and the on-disk layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

constexpr const char* kImage = "generated/alice/01JDQ5ZK8X3F0M7QWJ9N2V4B6C/image_0.jpg";

// Deterministic, non-repeating-looking bytes covering all 256 values.
std::string Pattern(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

using LocalStoreBasicsTest = StoreTest;

TEST_F(LocalStoreBasicsTest, RoundTripsBytesSmallLargeAndEmpty) {
  const std::string small = "hello, noisett";
  const std::string large = Pattern(5 * 1024 * 1024, 7);
  const std::string binary = std::string("\0\x01\xff\n\r\0", 6);
  MustPut("small.txt", small);
  MustPut("big/blob.bin", large);
  MustPut("empty", "");
  MustPut("binary", binary);
  EXPECT_EQ(MustGet("small.txt"), small);
  EXPECT_EQ(MustGet("big/blob.bin"), large);
  EXPECT_EQ(MustGet("empty"), "");
  EXPECT_EQ(MustGet("binary"), binary);
  auto empty = store_->GetProperties("empty");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size, 0u);
  // Still there after a restart.
  Reopen();
  EXPECT_EQ(MustGet("big/blob.bin"), large);
}

TEST_F(LocalStoreBasicsTest, PropertiesDescribeTheWrite) {
  PutOptions options;
  options.content_type = "image/jpeg";
  options.cache_control = "public, max-age=31536000, immutable";
  options.tags = {{"subscription_tier", "pro"}};
  options.tier = AccessTier::kCool;
  auto put = store_->Put(kImage, "jpegbytes", options);
  ASSERT_TRUE(put) << put.error().ToString();
  clock_.Advance(5);
  auto props = store_->GetProperties(kImage);
  ASSERT_TRUE(props);
  EXPECT_EQ(props->name, kImage);
  EXPECT_EQ(props->size, 9u);
  EXPECT_EQ(props->content_type, "image/jpeg");
  EXPECT_EQ(props->cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(props->tags, options.tags);
  EXPECT_EQ(props->tier, AccessTier::kCool);
  EXPECT_EQ(props->created, kStartTime);
  EXPECT_EQ(props->last_modified, kStartTime);
  EXPECT_EQ(props->tier_changed, kStartTime);
  EXPECT_TRUE(props->is_current_version);
  EXPECT_FALSE(props->deleted);
  EXPECT_EQ(props->etag, put->etag);
  EXPECT_EQ(props->version_id, put->version_id);
  // Strong and quoted: "0x…" in double quotes, no W/ prefix.
  ASSERT_GE(props->etag.size(), 5u);
  EXPECT_EQ(props->etag.front(), '"');
  EXPECT_EQ(props->etag.back(), '"');
  EXPECT_EQ(props->etag.substr(1, 2), "0x");
  EXPECT_EQ(props->version_id, "2027-01-15T08:00:00.0000000Z");
  auto got = store_->Get(kImage);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->properties.etag, put->etag);
  EXPECT_EQ(got->properties.content_type, "image/jpeg");
}

TEST_F(LocalStoreBasicsTest, DefaultsToOctetStreamAndHot) {
  auto props = MustPut("x", "1");
  EXPECT_EQ(props.content_type, "application/octet-stream");
  EXPECT_EQ(props.tier, AccessTier::kHot);
  EXPECT_TRUE(props.tags.empty());
  PutOptions empty_type;
  empty_type.content_type = "";
  EXPECT_EQ(MustPut("y", "1", empty_type).content_type, "application/octet-stream");
}

TEST_F(LocalStoreBasicsTest, ReadsByteRanges) {
  const std::string bytes = "0123456789";
  MustPut("r", bytes);
  auto read = [&](uint64_t offset, std::optional<uint64_t> length) {
    return store_->Get("r", ByteRange{offset, length});
  };
  auto first = read(0, 1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->bytes, "0");
  EXPECT_EQ(first->range_offset, 0u);
  EXPECT_EQ(first->properties.size, 10u);  // the whole blob's size, not the range's
  auto middle = read(3, 4);
  ASSERT_TRUE(middle);
  EXPECT_EQ(middle->bytes, "3456");
  EXPECT_EQ(middle->range_offset, 3u);
  auto to_end = read(7, std::nullopt);
  ASSERT_TRUE(to_end);
  EXPECT_EQ(to_end->bytes, "789");
  auto last = read(9, 100);  // a length past the end is clipped
  ASSERT_TRUE(last);
  EXPECT_EQ(last->bytes, "9");
  for (auto bad :
       {read(10, std::nullopt), read(11, 1), read(UINT64_MAX, std::nullopt), read(0, 0)}) {
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bad.error().reason, "InvalidRange");
  }
}

TEST_F(LocalStoreBasicsTest, RangesOfAnEmptyBlob) {
  MustPut("empty", "");
  auto from_zero = store_->Get("empty", ByteRange{0, std::nullopt});
  ASSERT_TRUE(from_zero);
  EXPECT_EQ(from_zero->bytes, "");
  auto past = store_->Get("empty", ByteRange{1, std::nullopt});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().reason, "InvalidRange");
}

TEST_F(LocalStoreBasicsTest, EtagChangesOnEveryWriteButNotOnSetTags) {
  auto first = MustPut("e", "one");
  auto second = MustPut("e", "two");
  auto third = MustPut("e", "two");  // same bytes: still a new write
  EXPECT_NE(first.etag, second.etag);
  EXPECT_NE(second.etag, third.etag);
  EXPECT_NE(first.etag, third.etag);
  clock_.Advance(60);
  ASSERT_TRUE(store_->SetTags("e", {{"subscription_tier", "free"}}));
  auto after_tags = store_->GetProperties("e");
  ASSERT_TRUE(after_tags);
  EXPECT_EQ(after_tags->etag, third.etag);
  EXPECT_EQ(after_tags->last_modified, third.last_modified);
  EXPECT_EQ(after_tags->tags, (Tags{{"subscription_tier", "free"}}));
  ASSERT_TRUE(store_->SetTier("e", AccessTier::kCool));
  auto after_tier = store_->GetProperties("e");
  ASSERT_TRUE(after_tier);
  EXPECT_EQ(after_tier->etag, third.etag);
  EXPECT_EQ(after_tier->tier_changed, kStartTime + 60);
}

TEST_F(LocalStoreBasicsTest, SetTagsValidatesAndNeedsABlob) {
  MustPut("t", "x");
  Tags eleven;
  for (int i = 0; i < 11; ++i) eleven["k" + std::to_string(i)] = "v";
  for (const Tags& bad : {eleven, Tags{{"bad key!", "v"}}, Tags{{std::string(129, 'k'), "v"}}}) {
    auto set = store_->SetTags("t", bad);
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().reason, "InvalidTags");
  }
  PutOptions options;
  options.tags = eleven;
  auto put = store_->Put("t2", "x", options);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().reason, "InvalidTags");
  auto missing = store_->SetTags("nope", {{"a", "b"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(LocalStoreBasicsTest, IfNoneMatchCreatesOnlyOnce) {
  PutOptions create_only;
  create_only.if_none_match_any = true;
  ASSERT_TRUE(store_->Put("once", "first", create_only));
  auto again = store_->Put("once", "second", create_only);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().reason, "ConditionNotMet");
  EXPECT_EQ(MustGet("once"), "first");
  // A refused write leaves no file behind.
  EXPECT_EQ(FilesUnder(BlobDir("once")).size(), 2u);  // meta.json + one version
}

TEST_F(LocalStoreBasicsTest, RefusesHeaderInjection) {
  PutOptions options;
  options.content_type = "text/html\r\nSet-Cookie: a=b";
  auto put = store_->Put("x", "1", options);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(LocalStoreBasicsTest, MissingBlobsAreNotFound) {
  auto got = store_->Get("missing");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(got.error().reason, "BlobNotFound");
  EXPECT_EQ(store_->GetProperties("a/b").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Delete("missing").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetTier("missing", AccessTier::kCool).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListVersions("missing").error().code, ErrorCode::kNotFound);
}

TEST_F(LocalStoreBasicsTest, NestedNamesCoexistWithTheirPrefixes) {
  // As in Azure, "a" and "a/b" are independent blobs.
  MustPut("a", "A");
  MustPut("a/b", "AB");
  MustPut("a/b/c", "ABC");
  EXPECT_EQ(MustGet("a"), "A");
  EXPECT_EQ(MustGet("a/b"), "AB");
  EXPECT_EQ(MustGet("a/b/c"), "ABC");
}

TEST_F(LocalStoreBasicsTest, LayoutIsOneDirectoryPerBlob) {
  auto put = MustPut(kImage, "bytes");
  const auto files = FilesUnder(BlobDir(kImage));
  EXPECT_EQ(files, (std::vector<std::string>{put.version_id, "meta.json"}));
  EXPECT_EQ(ReadFile(BlobDir(kImage) + "/" + put.version_id), "bytes");
}

TEST_F(LocalStoreBasicsTest, CheckReadyAndDescribe) {
  EXPECT_TRUE(store_->CheckReady());
  EXPECT_EQ(store_->Describe(), "file://" + root_ + " (container noisett-storage)");
  EXPECT_TRUE(FilesUnder(BlobsDir()).empty());  // the readiness probe cleans up after itself
}

TEST(LocalStoreOpenTest, RefusesBadContainerNamesAndRetention) {
  ManualClock clock(kStartTime);
  for (const char* container : {"", "ab", "../x", "UPPER", "a/b", "-ab", "ab-", "a--b", "a.b"}) {
    LocalStoreConfig config;
    config.root = "/nonexistent-never-created";
    config.container = container;
    auto opened = LocalBlobStore::Open(config, clock);
    ASSERT_FALSE(opened) << container;
    EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
  }
  LocalStoreConfig config;
  config.root = "/nonexistent-never-created";
  config.retention_days = 0;
  EXPECT_FALSE(LocalBlobStore::Open(config, clock));
  EXPECT_FALSE(std::filesystem::exists("/nonexistent-never-created"));
}

}  // namespace
}  // namespace noisett::storage::testing
