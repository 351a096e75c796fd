// The pure validation every BlobStore entry point relies on: blob names (the path-safety gate),
// index tags, tier names, and the file:// store URL.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "storage/blob_store.h"
#include "storage/local_blob_store.h"

namespace noisett::storage {
namespace {

struct NameCase {
  std::string name;
  bool valid;
};

TEST(ValidateBlobNameTest, Table) {
  const NameCase cases[] = {
      {"generated/alice/01JDQ5ZK8X3F0M7QWJ9N2V4B6C/image_0.jpg", true},
      {"generated/alice/01JDQ5ZK8X3F0M7QWJ9N2V4B6C/thumb_image_0.jpg", true},
      {"a", true},
      {"a.b-c_d/E.F", true},
      {"...", true},  // three dots is an ordinary name, only "." and ".." are special
      {std::string(1024, 'a'), true},
      {"", false},
      {"..", false},
      {".", false},
      {"../x", false},
      {"a/../b", false},
      {"a/..", false},
      {"./x", false},
      {"a/./b", false},
      {"/abs", false},
      {"/etc/passwd", false},
      {"a//b", false},
      {"a/", false},
      {"a/b/", false},
      {std::string("a\0b", 3), false},
      {"a\\b", false},
      {"..\\x", false},
      {std::string(1025, 'a'), false},
      {"caf\xc3\xa9", false},  // UTF-8 "café": outside the ASCII alphabet
      {"%2e%2e", false},       // already decoded by the edge: '%' is a literal, refused
      {"%2e%2e/x", false},
      {"a%2fb", false},
      {"a b", false},
      {"a?b", false},
      {"a#b", false},
      {"a@b", false},  // '@' marks blob directories in the local store
      {"a:b", false},
      {"a\nb", false},
      {"~", false},
  };
  for (const NameCase& c : cases) {
    auto result = ValidateBlobName(c.name);
    EXPECT_EQ(result.has_value(), c.valid) << "'" << c.name << "'";
    if (!result) {
      EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(result.error().reason, "InvalidBlobName");
    }
  }
}

TEST(ValidateTagsTest, AcceptsAzureLimits) {
  Tags tags;
  for (int i = 0; i < 10; ++i) tags["key" + std::to_string(i)] = "value";
  EXPECT_TRUE(ValidateTags(tags));
  EXPECT_TRUE(ValidateTags({}));
  EXPECT_TRUE(ValidateTags({{"subscription_tier", "free"}}));
  EXPECT_TRUE(ValidateTags({{"k", ""}}));  // empty values are allowed
  EXPECT_TRUE(ValidateTags({{"a +-.:=_/Z9", "a +-.:=_/Z9"}}));
  EXPECT_TRUE(ValidateTags({{std::string(128, 'k'), std::string(256, 'v')}}));
}

TEST(ValidateTagsTest, RefusesBeyondLimits) {
  Tags eleven;
  // emplace, not operator[] + assignment, sidesteps a g++ 12 -Wrestrict false positive.
  for (int i = 0; i < 11; ++i) eleven.emplace("key" + std::to_string(i), "v");
  const Tags bad[] = {
      eleven,
      {{"", "v"}},
      {{std::string(129, 'k'), "v"}},
      {{"k", std::string(257, 'v')}},
      {{"k!", "v"}},
      {{"k", "v;rm"}},
      {{"k", "caf\xc3\xa9"}},
      {{"k\n", "v"}},
      {{"k", std::string("a\0b", 3)}},
      {{"k", "<script>"}},
  };
  for (const Tags& tags : bad) {
    auto result = ValidateTags(tags);
    ASSERT_FALSE(result) << tags.begin()->first;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().reason, "InvalidTags");
  }
}

TEST(AccessTierTest, NamesRoundTripCaseInsensitively) {
  for (AccessTier tier :
       {AccessTier::kHot, AccessTier::kCool, AccessTier::kCold, AccessTier::kArchive}) {
    EXPECT_EQ(ParseAccessTier(AccessTierName(tier)), tier);
  }
  EXPECT_EQ(AccessTierName(AccessTier::kCool), "Cool");
  EXPECT_EQ(ParseAccessTier("hot"), AccessTier::kHot);
  EXPECT_EQ(ParseAccessTier("ARCHIVE"), AccessTier::kArchive);
  EXPECT_EQ(ParseAccessTier("cold"), AccessTier::kCold);
  EXPECT_EQ(ParseAccessTier("Colder"), std::nullopt);
  EXPECT_EQ(ParseAccessTier(""), std::nullopt);
  EXPECT_EQ(ParseAccessTier("Hott"), std::nullopt);
}

TEST(ParseStoreUrlTest, AcceptsAbsoluteAndRelativeDirectories) {
  auto absolute = ParseStoreUrl("file:///var/lib/noisett/blobs");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->root, "/var/lib/noisett/blobs");
  EXPECT_EQ(absolute->container, "noisett-storage");
  EXPECT_EQ(absolute->retention_days, 7);
  auto relative = ParseStoreUrl("file://./data/blobs");
  ASSERT_TRUE(relative);
  EXPECT_EQ(relative->root, "./data/blobs");
  auto bare = ParseStoreUrl("file://data");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->root, "data");
}

TEST(ParseStoreUrlTest, RefusesOtherSchemesAndEmptyPaths) {
  for (const char* url :
       {"", "file://", "azure://account/container", "/var/lib", "FILE:/x", "http://x/y"}) {
    auto parsed = ParseStoreUrl(url);
    ASSERT_FALSE(parsed) << url;
    EXPECT_EQ(parsed.error().reason, "InvalidStoreUrl");
  }
  EXPECT_FALSE(ParseStoreUrl(std::string("file://a\0b", 10)));
}

}  // namespace
}  // namespace noisett::storage
