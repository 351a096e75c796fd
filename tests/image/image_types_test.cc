// Names, parsers, presets and LimitsFromEnv for the image value types.
#include "image/image_types.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace noisett::image {
namespace {

TEST(ImageTypesTest, Names) {
  EXPECT_EQ(FormatName(Format::kPng), "png");
  EXPECT_EQ(FormatName(Format::kJpeg), "jpeg");
  EXPECT_EQ(FormatName(Format::kWebp), "webp");
  EXPECT_EQ(OutputFormatName(OutputFormat::kJpeg), "jpeg");
  EXPECT_EQ(OutputFormatName(OutputFormat::kWebp), "webp");
  EXPECT_EQ(OutputFormatName(OutputFormat::kAvif), "avif");
  EXPECT_EQ(ContentType(OutputFormat::kJpeg), "image/jpeg");
  EXPECT_EQ(ContentType(OutputFormat::kWebp), "image/webp");
  EXPECT_EQ(ContentType(OutputFormat::kAvif), "image/avif");
  EXPECT_EQ(FileExtension(OutputFormat::kJpeg), "jpg");
  EXPECT_EQ(FileExtension(OutputFormat::kWebp), "webp");
  EXPECT_EQ(FileExtension(OutputFormat::kAvif), "avif");
  EXPECT_EQ(QualityName(Quality::kHigh), "high");
  EXPECT_EQ(QualityName(Quality::kMedium), "medium");
  EXPECT_EQ(QualityName(Quality::kLow), "low");
}

TEST(ImageTypesTest, EncoderQualityPresets) {
  EXPECT_EQ(EncoderQuality(Quality::kHigh, OutputFormat::kJpeg), 95);
  EXPECT_EQ(EncoderQuality(Quality::kMedium, OutputFormat::kJpeg), 85);
  EXPECT_EQ(EncoderQuality(Quality::kLow, OutputFormat::kJpeg), 75);
  EXPECT_EQ(EncoderQuality(Quality::kHigh, OutputFormat::kWebp), 100);
  EXPECT_EQ(EncoderQuality(Quality::kMedium, OutputFormat::kWebp), 85);
  EXPECT_EQ(EncoderQuality(Quality::kLow, OutputFormat::kWebp), 80);
  EXPECT_EQ(EncoderQuality(Quality::kHigh, OutputFormat::kAvif), 85);
  EXPECT_EQ(EncoderQuality(Quality::kMedium, OutputFormat::kAvif), 65);
  EXPECT_EQ(EncoderQuality(Quality::kLow, OutputFormat::kAvif), 55);
}

TEST(ImageTypesTest, ParseQuality) {
  EXPECT_EQ(ParseQuality("high").value(), Quality::kHigh);
  EXPECT_EQ(ParseQuality("medium").value(), Quality::kMedium);
  EXPECT_EQ(ParseQuality("low").value(), Quality::kLow);
  for (const char* bad : {"", "HIGH", "best", "95", "high "}) {
    auto r = ParseQuality(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_option");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ImageTypesTest, ParseOutputFormat) {
  EXPECT_EQ(ParseOutputFormat("jpeg").value(), OutputFormat::kJpeg);
  EXPECT_EQ(ParseOutputFormat("jpg").value(), OutputFormat::kJpeg);
  EXPECT_EQ(ParseOutputFormat("webp").value(), OutputFormat::kWebp);
  // avif too: Optimize does not write it (renditions.h does).
  for (const char* bad : {"", "png", "gif", "WEBP", "avif"}) {
    auto r = ParseOutputFormat(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_option");
  }
}

TEST(ImageTypesTest, DefaultLimits) {
  const Limits limits;
  EXPECT_EQ(limits.max_bytes, 10u << 20);
  EXPECT_EQ(limits.max_pixels, 40'000'000u);
  const OptimizeOptions options;
  EXPECT_EQ(options.max_dimension, 2048);
  EXPECT_EQ(options.thumb_size, 256);
  EXPECT_EQ(options.quality, Quality::kMedium);
  EXPECT_EQ(options.format, OutputFormat::kJpeg);
}

}  // namespace
}  // namespace noisett::image
