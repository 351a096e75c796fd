// Strict query parsing: what the signer writes must parse back to itself, and anything ambiguous
// is refused. The percent-encoding beneath is tested with core/percent_encoding.h.
#include "storage/query_params.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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

// QueryView is a shortcut for Parse, never a second opinion: each query it takes gives Parse's
// pairs; everything Parse refuses, and whatever is past its bounds, it leaves to Parse.
TEST(QueryViewTest, TakesOnlyWhatParseTakesWithTheSamePairs) {
  const std::string long_value(600, 'a');
  std::string many;
  for (int i = 0; i < 20; ++i) many += "p" + std::to_string(i) + "=1&";
  const std::string long_query = "sv=noisett-1&pad=" + long_value;
  for (const std::string& raw : std::vector<std::string>
       {"", "&&", "sv=noisett-1&se=2026-11-23T18%3A00%3A00Z&sr=b&sp=r&skid=k1&sig=ab+c%2Bd%3D",
        "sig=ab+c%2Bd%3D&flag&&", "a=%41%62%7a%7A", "a=%", "a=%4", "a=%4g", "a=%%41", "a=b%",
        "sig=%zz", "s%v=1", "=x", "a=1&=2", "sp=r&sp=r", "sp=r&sp=rw", "sp=r&s%70=rw",
        "a=1&sp&sp=r", "x=%00y", "odd%20name=1", "a==b", "a=b=c", long_query, many}) {
    SCOPED_TRACE(raw.substr(0, 80));
    auto parsed = QueryParams::Parse(raw);
    QueryView view;
    if (!view.Decode(raw)) continue;  // left to Parse
    ASSERT_TRUE(parsed) << "the view took what Parse refuses: " << parsed.error().ToString();
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& [name, value] : view) pairs.emplace_back(name, value);
    EXPECT_EQ(pairs, parsed->entries());
  }
  QueryView view;
  EXPECT_TRUE(view.Decode("sv=noisett-1&se=2026-11-23T18%3A00%3A00Z&sig=ab+c%2Bd%3D"));
  EXPECT_FALSE(view.Decode(long_query));  // past its bounds: Parse's
  EXPECT_FALSE(view.Decode(many));
  EXPECT_FALSE(view.Decode("s%76=1"));    // an escaped name: Parse's
}

}  // namespace
}  // namespace noisett::storage
