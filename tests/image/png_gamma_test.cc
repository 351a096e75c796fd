// The gAMA transfer both PNG decoding paths share: exact values of the browsers' formula,
// including the deep shadows where it parts from libpng's simplified API (a pure 2.2 power).
#include "image/png_gamma.h"

#include <gtest/gtest.h>

namespace noisett::image {
namespace {

TEST(PngGammaTest, StoredValuesLibpngAccepts) {
  EXPECT_DOUBLE_EQ(PngFileGamma(100000), 1.0);
  EXPECT_DOUBLE_EQ(PngFileGamma(45455), 0.45455);
  EXPECT_EQ(PngFileGamma(0), 0);          // no gamma at all
  EXPECT_EQ(PngFileGamma(15), 0);         // below libpng's range
  EXPECT_EQ(PngFileGamma(625000001), 0);  // above it
}

TEST(PngGammaTest, LinearFileIsSrgbEncoded) {
  const auto table = GammaToSrgbTable(1.0, 255);
  ASSERT_EQ(table.size(), 256u);
  EXPECT_EQ(table[0], 0);
  EXPECT_EQ(table[10], 56);
  EXPECT_EQ(table[128], 188);
  EXPECT_EQ(table[255], 255);
}

TEST(PngGammaTest, OneOverTwoPointTwoDarkensOnlyTheShadows) {
  // E^2.2 then the sRGB curve: the mid-tones hardly move, the shadows do (10 -> 3).
  const auto table = GammaToSrgbTable(0.45455, 255);
  EXPECT_EQ(table[10], 3);
  EXPECT_EQ(table[128], 129);
  EXPECT_EQ(table[200], 201);
  for (size_t v = 1; v < table.size(); ++v) EXPECT_GE(table[v], table[v - 1]) << v;
}

TEST(PngGammaTest, SixteenBitSamplesOfTheSamePictureGiveTheSameValues) {
  const auto eight = GammaToSrgbTable(0.7, 255);
  const auto sixteen = GammaToSrgbTable(0.7, 65535);
  ASSERT_EQ(sixteen.size(), 65536u);
  for (size_t v = 0; v < 256; ++v) EXPECT_EQ(sixteen[v * 257], eight[v]) << v;
}

}  // namespace
}  // namespace noisett::image
