// CDN URLs and the base-URL and link-target rules they share with the link signer.
#include "storage/cdn.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace noisett::storage {
namespace {

std::string Cdn(std::string_view base, std::string_view container, std::string_view path) {
  auto url = CdnUrl(base, container, path);
  EXPECT_TRUE(url) << url.error().ToString();
  return url ? *url : "";
}

TEST(CdnUrlTest, JoinsWithoutDoubleSlashes) {
  const char* path = "generated/alice/01JABC/image_0.jpg";
  const std::string want = "https://cdn.example.com/noisett-storage/" + std::string(path);
  EXPECT_EQ(Cdn("https://cdn.example.com", "noisett-storage", path), want);
  EXPECT_EQ(Cdn("https://cdn.example.com/", "noisett-storage", path), want);
  EXPECT_EQ(Cdn("https://cdn.example.com///", "noisett-storage", path), want);
  EXPECT_EQ(Cdn("http://cdn.example.com:8080/img/", "noisett-storage", "a/b.jpg"),
            "http://cdn.example.com:8080/img/noisett-storage/a/b.jpg");
  EXPECT_EQ(Cdn("HTTPS://Cdn.Example.com", "abc", "x"), "HTTPS://Cdn.Example.com/abc/x");
}

TEST(CdnUrlTest, EncodesThePath) {
  EXPECT_EQ(Cdn("https://cdn.example.com", "noisett-storage", "a b/c+d%e?#.jpg"),
            "https://cdn.example.com/noisett-storage/a%20b/c%2Bd%25e%3F%23.jpg");
}

TEST(CdnUrlTest, RefusesBadBases) {
  for (const char* base :
       {"", "cdn.example.com", "ftp://cdn.example.com", "https://", "https:///x",
        "https://cdn.example.com?x=1", "https://cdn.example.com/#f", "https://user@cdn.example.com",
        "https://cdn.example.com/a b", "https://cdn.example.com//img", "https://cdn\x01.com",
        "https://c\\dn.com", "javascript:alert(1)", "https://:80"}) {
    auto url = CdnUrl(base, "noisett-storage", "a.jpg");
    ASSERT_FALSE(url) << "'" << base << "' accepted";
    EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(url.error().reason, "bad_base_url");
    EXPECT_NE(url.error().message.find("NOISETT_CDN_URL"), std::string::npos);
  }
}

TEST(LinkTargetTest, ContainerFollowsAzureRules) {
  for (const std::string& good :
       std::vector<std::string>{"abc", "noisett-storage", "a1-b2", std::string(63, 'a')}) {
    EXPECT_TRUE(ValidateLinkTarget(good, "x")) << good;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "ab", "-abc", "abc-", "a--b", "ABC", "a_b", "a/b", "a.b", std::string(64, 'a')}) {
    auto r = ValidateLinkTarget(bad, "x");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "link_bad_container");
  }
}

TEST(LinkTargetTest, PathIsRelativeWithoutDotSegments) {
  for (const char* good : {"a", "a/b/c.jpg", "a..b/.c/d.", "sp ace/ü+%"}) {
    EXPECT_TRUE(ValidateLinkTarget("abc", good)) << good;
  }
  for (const char* bad :
       {"", "/a", "a/", "a//b", ".", "..", "a/../b", "a/./b", "a/..", "a\nb", "a\\b", "a\x7f"}) {
    auto r = ValidateLinkTarget("abc", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "link_bad_path");
  }
  EXPECT_TRUE(ValidateLinkTarget("abc", std::string(1024, 'a')));
  EXPECT_FALSE(ValidateLinkTarget("abc", std::string(1025, 'a')));
  EXPECT_FALSE(CdnUrl("https://cdn.example.com", "abc", "a/../b"));
}

TEST(CdnUrlOrTest, FallsBackToTheSignedLinkWhenNoCdnIsSet) {
  auto none = CdnUrlOr(std::nullopt, "abc", "a.jpg", "https://host/blobs/abc/a.jpg?sig=x");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, "https://host/blobs/abc/a.jpg?sig=x");
  auto set = CdnUrlOr(std::string("https://cdn.example.com/"), "abc", "a.jpg", "unused");
  ASSERT_TRUE(set);
  EXPECT_EQ(*set, "https://cdn.example.com/abc/a.jpg");
  EXPECT_FALSE(CdnUrlOr(std::string("nope"), "abc", "a.jpg", "unused"));
}

}  // namespace
}  // namespace noisett::storage
