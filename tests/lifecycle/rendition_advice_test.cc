// Which renditions stay hot, cool with their image, or go when it is archived (cost.estimate).
// The classes come from a real store's listing (RenditionClassOf on the blob names), the advice
// from Azure's 128 KiB minimum against the hot and cool prices.
#include <gtest/gtest.h>

#include "core/blob_paths.h"
#include "lifecycle/rendition_advice.h"

namespace noisett::lifecycle {
namespace {

TEST(RenditionClassTest, NamesOnlyRenditionBlobs) {
  EXPECT_EQ(RenditionClassOf("generated/alice/J/r256_image_0.avif"), "avif 256");
  EXPECT_EQ(RenditionClassOf("generated/alice/J/r2048_image_7.webp"), "webp 2048");
  EXPECT_EQ(RenditionClassOf("generated/alice/J/image_0.jpg"), "");
  EXPECT_EQ(RenditionClassOf("generated/alice/J/thumb_image_0.jpg"), "");
  EXPECT_EQ(RenditionClassOf("generated/alice/J/r300_image_0.avif"), "");
  EXPECT_EQ(RenditionClassOf("generated/alice/J/r256_image_0.png"), "");
  EXPECT_EQ(RenditionClassOf("generated/alice/J/metadata.json"), "");
}

StoreUsage Usage() {
  StoreUsage usage;
  usage.renditions["avif 1024"] = {10, 10 * 300'000, 0, 0};  // large: cooling pays
  usage.renditions["avif 256"] = {10, 10 * 20'000, 0, 0};    // small: billed as 128 KiB in cool
  return usage;
}

TEST(RenditionAdviceTest, SmallRenditionsStayHotLargeOnesCoolAndArchivedOnesGo) {
  const auto advice = AdviseRenditions(Usage(), Prices{});
  ASSERT_EQ(advice.size(), 2u);
  EXPECT_EQ(advice[0].rendition, "avif 256");  // by size, not as text
  EXPECT_EQ(advice[0].when_cool, "stay hot");
  EXPECT_DOUBLE_EQ(advice[0].mean_bytes, 20'000);
  // 1000 × 20 kB hot = $0.00036; cool bills 1000 × 131,072 B × $0.010/GB = $0.00131.
  EXPECT_NEAR(advice[0].hot_per_1000, 0.00036, 1e-9);
  EXPECT_NEAR(advice[0].cool_per_1000, 0.00131072, 1e-9);
  EXPECT_EQ(advice[1].rendition, "avif 1024");
  EXPECT_EQ(advice[1].when_cool, "cool with the image");
  for (const auto& a : advice) EXPECT_EQ(a.when_archived, "drop");
  EXPECT_NE(AdviceToText(advice).find("avif 256"), std::string::npos);
  EXPECT_EQ(AdviceToJson(advice).size(), 2u);
}

TEST(RenditionAdviceTest, WithoutTheMinimumEveryRenditionCoolsWithItsImage) {
  Prices old_account;
  old_account.min_billable_kib = 0;  // an account made before July 2026
  for (const auto& a : AdviseRenditions(Usage(), old_account)) {
    EXPECT_EQ(a.when_cool, "cool with the image") << a.rendition;
  }
  EXPECT_TRUE(AdviseRenditions(StoreUsage{}, Prices{}).empty());
  EXPECT_EQ(AdviceToText({}), "");
}

}  // namespace
}  // namespace noisett::lifecycle
