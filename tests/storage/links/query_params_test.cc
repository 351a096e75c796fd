// Strict query parsing: what the signer writes must parse back to itself, and anything ambiguous
// is refused. The percent-encoding beneath is tested with core/percent_encoding.h.
#include "storage/query_params.h"

#include <gtest/gtest.h>

namespace noisett::storage {
namespace {

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
