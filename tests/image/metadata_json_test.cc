// ToJson field names and values, on hand-filled metadata and on real pipeline output.
#include "image/metadata_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "image/pipeline.h"
#include "image/test_images.h"

namespace noisett::image {
namespace {


TEST(MetadataJsonTest, EveryFieldWithItsValue) {
  WebImageMetadata m;
  m.original_size_bytes = 1000;
  m.optimized_size_bytes = 456;
  m.thumbnail_size_bytes = 78;
  m.compression_ratio = 0.46;
  m.original_width = 300;
  m.original_height = 200;
  m.width = 200;
  m.height = 300;
  m.thumbnail_width = 171;
  m.thumbnail_height = 256;
  m.source_format = Format::kPng;
  m.format = OutputFormat::kWebp;
  m.has_alpha = true;

  const nlohmann::json j = ToJson(m);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), std::size(testing::kMetadataFields));
  for (const char* f : testing::kMetadataFields) EXPECT_TRUE(j.contains(f)) << f;
  EXPECT_EQ(j["original_size_bytes"], 1000);
  EXPECT_EQ(j["optimized_size_bytes"], 456);
  EXPECT_EQ(j["thumbnail_size_bytes"], 78);
  EXPECT_DOUBLE_EQ(j["compression_ratio"].get<double>(), 0.46);
  EXPECT_EQ(j["original_width"], 300);
  EXPECT_EQ(j["original_height"], 200);
  EXPECT_EQ(j["width"], 200);
  EXPECT_EQ(j["height"], 300);
  EXPECT_EQ(j["thumbnail_width"], 171);
  EXPECT_EQ(j["thumbnail_height"], 256);
  EXPECT_EQ(j["source_format"], "png");
  EXPECT_EQ(j["format"], "webp");
  EXPECT_EQ(j["content_type"], "image/webp");
  EXPECT_EQ(j["thumbnail_content_type"], "image/webp");
  EXPECT_EQ(j["has_alpha"], true);
}

TEST(MetadataJsonTest, JpegNames) {
  WebImageMetadata m;
  m.source_format = Format::kJpeg;
  m.format = OutputFormat::kJpeg;
  const nlohmann::json j = ToJson(m);
  EXPECT_EQ(j["source_format"], "jpeg");
  EXPECT_EQ(j["format"], "jpeg");
  EXPECT_EQ(j["content_type"], "image/jpeg");
  EXPECT_EQ(j["has_alpha"], false);
}

TEST(MetadataJsonTest, ConsistentWithPipelineOutput) {
  const std::string input = testing::ToPng(testing::Textured(600, 300));
  OptimizeOptions options;
  options.max_dimension = 400;
  auto web = OptimizeForWeb(AsBytes(input), options);
  ASSERT_TRUE(web) << web.error().ToString();
  const nlohmann::json j = ToJson(web->metadata);

  EXPECT_EQ(j["original_size_bytes"].get<uint64_t>(), input.size());
  EXPECT_EQ(j["optimized_size_bytes"].get<uint64_t>(), web->optimized.bytes.size());
  EXPECT_EQ(j["thumbnail_size_bytes"].get<uint64_t>(), web->thumbnail.bytes.size());
  const double expected_ratio =
      std::round(100.0 * double(web->optimized.bytes.size()) / double(input.size())) / 100.0;
  EXPECT_DOUBLE_EQ(j["compression_ratio"].get<double>(), expected_ratio);
  EXPECT_EQ(j["original_width"], 600);
  EXPECT_EQ(j["original_height"], 300);
  EXPECT_EQ(j["width"], 400);
  EXPECT_EQ(j["height"], 200);
  EXPECT_EQ(j["width"], web->optimized.width);
  EXPECT_EQ(j["thumbnail_width"], 256);
  EXPECT_EQ(j["thumbnail_height"], 128);
  EXPECT_EQ(j["thumbnail_width"], web->thumbnail.width);
  EXPECT_EQ(j["source_format"], "png");
  EXPECT_EQ(j["format"], "jpeg");
  EXPECT_EQ(j["has_alpha"], false);
}

TEST(MetadataJsonTest, CompressionRatioIsRoundedToTwoDecimals) {
  const std::string input = testing::ToPng(testing::Textured(123, 77));
  auto web = OptimizeForWeb(AsBytes(input), OptimizeOptions{});
  ASSERT_TRUE(web) << web.error().ToString();
  const double ratio = web->metadata.compression_ratio;
  EXPECT_NEAR(ratio * 100, std::round(ratio * 100), 1e-9);
  EXPECT_NEAR(ratio, double(web->optimized.bytes.size()) / double(input.size()), 0.005 + 1e-12);
  EXPECT_GT(ratio, 0);
}

}  // namespace
}  // namespace noisett::image
