// The cursor codec: round trips, and refusal of everything EncodeCursor could not have made.
#include "catalog/cursor.h"

#include <gtest/gtest.h>

#include <string>

namespace noisett::catalog {
namespace {

void ExpectBad(CursorKind kind, const std::string& cursor) {
  auto key = DecodeCursor(kind, cursor);
  ASSERT_FALSE(key) << cursor;
  EXPECT_EQ(key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(key.error().reason, "bad_cursor");
}

TEST(CursorTest, HistoryRoundTrip) {
  std::string text = EncodeCursor(CursorKind::kHistory, {1700000000, "01HZX3K9QW", 0});
  auto key = DecodeCursor(CursorKind::kHistory, text);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->created_at, 1700000000);
  EXPECT_EQ(key->job_id, "01HZX3K9QW");
  EXPECT_EQ(key->image_index, 0);
}

TEST(CursorTest, FavoritesRoundTripWithAwkwardJobIdsAndTimes) {
  for (const std::string& job : {std::string("a.b.c"), std::string("x"), std::string("é|/?=")}) {
    for (int64_t t : {int64_t{0}, int64_t{-5}, int64_t{9223372036854775807}}) {
      std::string text = EncodeCursor(CursorKind::kFavorites, {t, job, 7});
      EXPECT_EQ(text.find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                std::string::npos);
      auto key = DecodeCursor(CursorKind::kFavorites, text);
      ASSERT_TRUE(key) << job << " " << t;
      EXPECT_EQ(key->created_at, t);
      EXPECT_EQ(key->job_id, job);
      EXPECT_EQ(key->image_index, 7);
    }
  }
}

TEST(CursorTest, RefusesGarbage) {
  for (const std::string& bad :
       {std::string(""), std::string("!"), std::string("A"), std::string("AAAA"),
        std::string("aDEuMTIz"), std::string("aDEu=="), std::string(kMaxCursorLength + 4, 'A')}) {
    ExpectBad(CursorKind::kHistory, bad);
  }
}

TEST(CursorTest, RefusesEveryOneCharacterChange) {
  const std::string good = EncodeCursor(CursorKind::kHistory, {1700000123, "job-42", 0});
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = alphabet[(alphabet.find(good[i]) + 17) % alphabet.size()];
    ExpectBad(CursorKind::kHistory, bad);
  }
  ExpectBad(CursorKind::kHistory, good.substr(0, good.size() - 1));
  ExpectBad(CursorKind::kHistory, good + "A");
}

TEST(CursorTest, KindsAndIndexesDoNotCross) {
  ExpectBad(CursorKind::kFavorites, EncodeCursor(CursorKind::kHistory, {1, "job", 0}));
  ExpectBad(CursorKind::kHistory, EncodeCursor(CursorKind::kFavorites, {1, "job", 0}));
  ExpectBad(CursorKind::kHistory, EncodeCursor(CursorKind::kHistory, {1, "job", 3}));
  ExpectBad(CursorKind::kFavorites, EncodeCursor(CursorKind::kFavorites, {1, "job", 8}));
  ExpectBad(CursorKind::kFavorites, EncodeCursor(CursorKind::kFavorites, {1, "job", -1}));
  ExpectBad(CursorKind::kHistory, EncodeCursor(CursorKind::kHistory, {1, "", 0}));
}

}  // namespace
}  // namespace noisett::catalog
