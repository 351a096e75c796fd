// The input checks both catalogs share (catalog_validation.h) and DecodePageCursor (cursor.h):
// each refusal's code, reason and message, which clients and the contract tests rely on, and the
// order in which ValidateNewImages reports the first problem.
#include "catalog/catalog_validation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/cursor.h"

namespace noisett::catalog {
namespace {

void ExpectError(const Status& s, ErrorCode code, const std::string& reason,
                 const std::string& message) {
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, code);
  EXPECT_EQ(s.error().reason, reason);
  EXPECT_EQ(s.error().message, message);
}

ImageRecord Image(int index) {
  ImageRecord image;
  image.index = index;
  image.blob_path = "generated/u/j/image_" + std::to_string(index) + ".jpg";
  return image;
}

TEST(CatalogValidationTest, Limits) {
  EXPECT_TRUE(ValidatePageLimit(1));
  EXPECT_TRUE(ValidatePageLimit(200));
  ExpectError(ValidatePageLimit(0), ErrorCode::kInvalidArgument, "bad_limit",
              "limit must be 1..200");
  ExpectError(ValidatePageLimit(201), ErrorCode::kInvalidArgument, "bad_limit",
              "limit must be 1..200");
  EXPECT_TRUE(ValidateScanLimit(1000));
  ExpectError(ValidateScanLimit(1001), ErrorCode::kInvalidArgument, "bad_limit",
              "limit must be 1..1000");
}

TEST(CatalogValidationTest, TiersAndIndexes) {
  for (const char* tier : {"hot", "cool", "cold", "archive"}) EXPECT_TRUE(ValidateAccessTier(tier));
  ExpectError(ValidateAccessTier("Hot"), ErrorCode::kInvalidArgument, "bad_access_tier",
              "access tier must be hot, cool, cold or archive");
  EXPECT_TRUE(ValidateNewImageIndex(0));
  EXPECT_TRUE(ValidateNewImageIndex(7));
  ExpectError(ValidateNewImageIndex(8), ErrorCode::kInvalidArgument, "bad_image_index",
              "image index must be 0..7");
  EXPECT_TRUE(ValidateExistingImageIndex(7));
  ExpectError(ValidateExistingImageIndex(-1), ErrorCode::kNotFound, "image_not_found",
              "no such image in this job");
}

TEST(CatalogValidationTest, TextWithANulByte) {
  EXPECT_TRUE(ValidateText({"alice", ""}));
  ExpectError(ValidateText({"alice", std::string("a\0x", 3)}), ErrorCode::kInvalidArgument,
              "bad_value", "text contains a NUL byte");
}

TEST(CatalogValidationTest, NewImages) {
  EXPECT_TRUE(ValidateNewImages({}, NulText::kRefused));
  EXPECT_TRUE(ValidateNewImages({Image(7), Image(0)}, NulText::kRefused));
  ExpectError(ValidateNewImages(std::vector<ImageRecord>(9, Image(0)), NulText::kAllowed),
              ErrorCode::kConflict, "job_full", "a job holds at most 8 images");
  ExpectError(ValidateNewImages({Image(1), Image(1)}, NulText::kAllowed), ErrorCode::kConflict,
              "image_exists", "image index given twice");
  ImageRecord nul = Image(0);
  nul.content_type = std::string("image/jpeg\0x", 12);
  EXPECT_TRUE(ValidateNewImages({nul}, NulText::kAllowed));  // SQLite stores it whole
  ExpectError(ValidateNewImages({nul}, NulText::kRefused), ErrorCode::kInvalidArgument, "bad_value",
              "text contains a NUL byte");
}

// The first image's problem wins, whichever check finds a later image's.
TEST(CatalogValidationTest, NewImagesReportTheFirstProblemInOrder) {
  ImageRecord nul = Image(0);
  nul.blob_path.push_back('\0');
  ImageRecord bad_tier = Image(1);
  bad_tier.access_tier = "frozen";
  ExpectError(ValidateNewImages({nul, Image(9)}, NulText::kRefused), ErrorCode::kInvalidArgument,
              "bad_value", "text contains a NUL byte");
  ExpectError(ValidateNewImages({bad_tier, Image(9)}, NulText::kRefused),
              ErrorCode::kInvalidArgument, "bad_access_tier",
              "access tier must be hot, cool, cold or archive");
  // Within one image: index, then tier, then a repeated index, then text.
  ImageRecord all_wrong = Image(0);
  all_wrong.index = 8;
  all_wrong.access_tier = "frozen";
  all_wrong.blob_path.push_back('\0');
  ExpectError(ValidateNewImages({all_wrong}, NulText::kRefused), ErrorCode::kInvalidArgument,
              "bad_image_index", "image index must be 0..7");
}

TEST(CatalogValidationTest, PageCursorChecksTheLimitFirst) {
  auto first = DecodePageCursor(CursorKind::kHistory, PageRequest{50, ""});
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->has_value());

  const std::string cursor = EncodeCursor(CursorKind::kFavorites, {17, "job", 3});
  auto next = DecodePageCursor(CursorKind::kFavorites, PageRequest{50, cursor});
  ASSERT_TRUE(next);
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->created_at, 17);
  EXPECT_EQ((*next)->job_id, "job");
  EXPECT_EQ((*next)->image_index, 3);

  auto wrong_kind = DecodePageCursor(CursorKind::kHistory, PageRequest{50, cursor});
  ASSERT_FALSE(wrong_kind);
  EXPECT_EQ(wrong_kind.error().reason, "bad_cursor");
  auto both_bad = DecodePageCursor(CursorKind::kHistory, PageRequest{0, "%%"});
  ASSERT_FALSE(both_bad);
  EXPECT_EQ(both_bad.error().reason, "bad_limit");
}

}  // namespace
}  // namespace noisett::catalog
