// "Did you mean": the distance, the threshold and the tie rule of core/suggest.h.
#include "core/suggest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace noisett {
namespace {

const std::vector<std::string_view> kCommands = {"images.upload", "images.list",    "history.list",
                                                 "history.get",   "history.delete", "generate"};

TEST(EditDistanceTest, CountsInsertsDeletesSubstitutionsAndSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("limit", "limt"), 1u);       // delete
  EXPECT_EQ(EditDistance("limt", "limit"), 1u);       // insert
  EXPECT_EQ(EditDistance("limit", "limat"), 1u);      // substitute
  EXPECT_EQ(EditDistance("histroy", "history"), 1u);  // swap
  EXPECT_EQ(EditDistance("LIMIT", "limit"), 0u);      // ASCII case ignored
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(ClosestNameTest, ATypoInTheGroupSuggestsTheGroupsFirstName) {
  EXPECT_EQ(ClosestName("histroy", kCommands), "history.list");
  EXPECT_EQ(ClosestName("history", kCommands), "history.list");
  EXPECT_EQ(ClosestName("imags", kCommands), "images.upload");
}

TEST(ClosestNameTest, ATypoInTheWholeNameSuggestsThatName) {
  EXPECT_EQ(ClosestName("history.lst", kCommands), "history.list");
  EXPECT_EQ(ClosestName("hsitory.get", kCommands), "history.get");
  EXPECT_EQ(ClosestName("genrate", kCommands), "generate");
  EXPECT_EQ(ClosestName("History.List", kCommands), "history.list");
  EXPECT_EQ(ClosestName("limt", {"limit", "cursor"}), "limit");
  EXPECT_EQ(ClosestName("curser", {"limit", "cursor"}), "cursor");
}

TEST(ClosestNameTest, FarOffNamesGetNoSuggestion) {
  EXPECT_EQ(ClosestName("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(ClosestName("x", {"limit", "cursor"}), std::nullopt);
  EXPECT_EQ(ClosestName("x", {"y"}), std::nullopt);  // 1 edit is the whole of it
  EXPECT_EQ(ClosestName("ab", {"cd"}), std::nullopt);
  EXPECT_EQ(ClosestName("", {"limit"}), std::nullopt);
  EXPECT_EQ(ClosestName("anything", {}), std::nullopt);
  EXPECT_EQ(ClosestName("prompt", {"limit", "cursor"}), std::nullopt);
}

TEST(ClosestNameTest, AKnownNameIsNotSuggestedBack) {
  EXPECT_EQ(ClosestName("history.list", kCommands), std::nullopt);
}

TEST(ClosestNameTest, LongNamesAreNeverMatched) {
  const std::string long_typed(65, 'a');
  EXPECT_EQ(ClosestName(long_typed, {std::string_view(long_typed).substr(1)}), std::nullopt);
  const std::string long_known(65, 'b');
  EXPECT_EQ(ClosestName("bbbb", {long_known}), std::nullopt);
}

TEST(DidYouMeanTest, PhrasesTheSuggestionOrNothing) {
  EXPECT_EQ(DidYouMean("histroy", kCommands), "; did you mean \"history.list\"?");
  EXPECT_EQ(DidYouMean("frobnicate", kCommands), "");
}

}  // namespace
}  // namespace noisett
