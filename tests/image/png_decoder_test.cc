// ReadPngFeatures' chunk walk: which gAMA counts (png_gamma.h) and which files leave the libpng
// fast path, on PNGs written by libvips with chunks spliced in.
#include "image/png_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "image/test_images.h"

namespace noisett::image {
namespace {

const std::string kLinear("\x00\x01\x86\xA0", 4);  // gAMA 100000: gamma 1.0

PngFeatures FeaturesOf(const std::string& png) {
  auto f = ReadPngFeatures(AsBytes(png));
  EXPECT_TRUE(f) << f.error().ToString();
  return f ? *f : PngFeatures{};
}

std::string Plain() { return testing::ToPng(testing::Solid(8, 8, {10, 20, 30})); }

TEST(PngDecoderTest, PlainPngTakesTheFastPath) {
  const PngFeatures f = FeaturesOf(Plain());
  EXPECT_EQ(f.gamma, 0);
  EXPECT_TRUE(f.plain);
}

TEST(PngDecoderTest, GammaAloneCountsAndLeavesTheFastPath) {
  const PngFeatures f = FeaturesOf(testing::InsertPngChunk(Plain(), "gAMA", kLinear));
  EXPECT_DOUBLE_EQ(f.gamma, 1.0);
  EXPECT_FALSE(f.plain);
}

TEST(PngDecoderTest, SrgbOrIccOverridesGamma) {
  const std::string gamma = testing::InsertPngChunk(Plain(), "gAMA", kLinear);
  const PngFeatures srgb = FeaturesOf(testing::InsertPngChunk(gamma, "sRGB", std::string(1, '\0')));
  EXPECT_EQ(srgb.gamma, 0);
  EXPECT_TRUE(srgb.plain);
  const PngFeatures icc = FeaturesOf(testing::InsertPngChunk(gamma, "iCCP", "x"));
  EXPECT_EQ(icc.gamma, 0);
  EXPECT_FALSE(icc.plain);  // the profile needs libvips' loader
}

TEST(PngDecoderTest, GammaAfterThePaletteIsIgnoredAsLibpngDoes) {
  // An RGB PNG may carry a suggested palette; gAMA must come before it ("gAMA: out of place").
  const std::string palette = testing::InsertPngChunk(Plain(), "PLTE", std::string(3, '\x80'));
  EXPECT_EQ(FeaturesOf(testing::InsertPngChunk(palette, "gAMA", kLinear)).gamma, 0);
  const std::string before = testing::InsertPngChunk(testing::InsertPngChunk(Plain(), "gAMA", kLinear),
                                                     "PLTE", std::string(3, '\x80'));
  EXPECT_DOUBLE_EQ(FeaturesOf(before).gamma, 1.0);
}

TEST(PngDecoderTest, OnlyTheFirstGammaCounts) {
  const std::string twice = testing::InsertPngChunk(
      testing::InsertPngChunk(Plain(), "gAMA", kLinear), "gAMA", std::string("\x00\x00\xB1\x8F", 4));
  EXPECT_DOUBLE_EQ(FeaturesOf(twice).gamma, 1.0);
}

}  // namespace
}  // namespace noisett::image
