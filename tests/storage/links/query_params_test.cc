// Percent-encoding and strict query parsing: what the signer writes must parse back to itself, and
// anything ambiguous is refused.
#include "storage/query_params.h"

#include <gtest/gtest.h>

namespace noisett::storage {
namespace {

TEST(PercentEncodeTest, OnlyTheSafeSetPassesUnencoded) {
  EXPECT_EQ(PercentEncodePath("generated/alice/01JABC/image_0.jpg"),
            "generated/alice/01JABC/image_0.jpg");
  EXPECT_EQ(PercentEncodePath("a b+c%d?e#f&g=h;i~j"), "a%20b%2Bc%25d%3Fe%23f%26g%3Dh%3Bi%7Ej");
  EXPECT_EQ(PercentEncodePath("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(PercentEncodeComponent("a/b:c"), "a%2Fb%3Ac");
  EXPECT_EQ(PercentEncodeComponent("uJuI+cs/U4="), "uJuI%2Bcs%2FU4%3D");
}

TEST(PercentEncodeTest, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (const std::string& s : {all, std::string("dir/with space/ünïcødé+%2F.jpg")}) {
    auto path = PercentDecode(PercentEncodePath(s));
    ASSERT_TRUE(path);
    EXPECT_EQ(*path, s);
    auto component = PercentDecode(PercentEncodeComponent(s));
    ASSERT_TRUE(component);
    EXPECT_EQ(*component, s);
  }
}

TEST(PercentDecodeTest, PlusIsNotASpace) {
  auto r = PercentDecode("a+b%20c%2bd");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "a+b c+d");
}

TEST(PercentDecodeTest, RefusesBrokenEscapes) {
  for (const char* bad : {"%", "%2", "a%2", "%zz", "%2g", "%%41"}) {
    auto r = PercentDecode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_percent_encoding");
  }
}

TEST(QueryParamsTest, ParsesAndDecodes) {
  auto q = QueryParams::Parse("sv=noisett-1&se=2026-11-23T18%3A00%3A00Z&sig=ab+c%2Bd%3D&flag&&");
  ASSERT_TRUE(q) << q.error().ToString();
  EXPECT_EQ(q->Get("sv"), "noisett-1");
  EXPECT_EQ(q->Get("se"), "2026-11-23T18:00:00Z");
  EXPECT_EQ(q->Get("sig"), "ab+c+d=");
  EXPECT_EQ(q->Get("flag"), "");
  EXPECT_FALSE(q->Get("missing"));
  EXPECT_EQ(q->entries().size(), 4u);
}

TEST(QueryParamsTest, EmptyQueryIsEmpty) {
  auto q = QueryParams::Parse("");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->entries().empty());
}

TEST(QueryParamsTest, DuplicatesAreRefusedEvenWhenSpelledDifferently) {
  for (const char* raw : {"sp=r&sp=r", "sp=r&sp=rw", "sp=r&s%70=rw", "a=1&sp&sp=r"}) {
    auto q = QueryParams::Parse(raw);
    ASSERT_FALSE(q) << raw;
    EXPECT_EQ(q.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(q.error().reason, "link_duplicate_param");
  }
}

TEST(QueryParamsTest, BadEncodingAndNamelessPairsAreRefused) {
  for (const char* raw : {"sig=%zz", "s%v=1", "=x", "a=1&=2"}) {
    auto q = QueryParams::Parse(raw);
    ASSERT_FALSE(q) << raw;
    EXPECT_EQ(q.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(q.error().reason, "link_bad_encoding");
  }
}

TEST(QueryParamsTest, GetRefusesToChooseBetweenAddedDuplicates) {
  QueryParams q;
  q.Add("sp", "r");
  q.Add("sp", "rw");
  EXPECT_EQ(q.Count("sp"), 2u);
  EXPECT_FALSE(q.Get("sp"));
}

TEST(QueryParamsTest, EncodeParsesBackToTheSamePairs) {
  QueryParams q;
  q.Add("se", "2026-11-23T18:00:00Z");
  q.Add("sig", "a+b/c=");
  q.Add("odd name", "&=?#");
  EXPECT_EQ(q.Encode(), "se=2026-11-23T18%3A00%3A00Z&sig=a%2Bb%2Fc%3D&odd%20name=%26%3D%3F%23");
  auto back = QueryParams::Parse(q.Encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->entries(), q.entries());
}

}  // namespace
}  // namespace noisett::storage
