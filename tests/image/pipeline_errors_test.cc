// Every error reason of the pipeline, through each entry point (Validate, Optimize, Thumbnail,
// OptimizeForWeb): empty, too_large, unsupported_format, too_many_pixels, corrupt, bad_option.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "image/pipeline.h"
#include "image/test_images.h"

namespace noisett::image {
namespace {

using namespace std::string_literals;

// A PNG padded with zeros after IEND to exactly `size` bytes.
std::string PaddedPng(size_t size) {
  std::string png = testing::ToPng(testing::Textured(64, 48));
  png.resize(size, '\0');
  return png;
}

std::string HexBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(char(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

struct Outcome {
  std::string entry_point;
  std::string reason;  // empty on success
  ErrorCode code = ErrorCode::kInternal;
};

template <typename R>
Outcome Describe(const std::string& entry_point, const R& r) {
  if (r) return {entry_point, "", ErrorCode::kInternal};
  return {entry_point, r.error().reason, r.error().code};
}

// Runs all four entry points on the same input and limits.
std::vector<Outcome> RunAll(const std::string& bytes, const Limits& limits) {
  OptimizeOptions options;
  options.limits = limits;
  const Bytes b = AsBytes(bytes);
  return {Describe("Validate", Validate(b, limits)), Describe("Optimize", Optimize(b, options)),
          Describe("Thumbnail", Thumbnail(b, 64, options)),
          Describe("OptimizeForWeb", OptimizeForWeb(b, options))};
}

void ExpectRefusedEverywhere(const std::string& bytes, const std::string& reason, ErrorCode code,
                             const Limits& limits = Limits{}) {
  for (const Outcome& o : RunAll(bytes, limits)) {
    EXPECT_EQ(o.reason, reason) << o.entry_point;
    if (!o.reason.empty()) {
      EXPECT_EQ(o.code, code) << o.entry_point;
    }
  }
}

void ExpectAcceptedEverywhere(const std::string& bytes, const Limits& limits = Limits{}) {
  for (const Outcome& o : RunAll(bytes, limits)) EXPECT_EQ(o.reason, "") << o.entry_point;
}

TEST(PipelineErrorsTest, Empty) {
  ExpectRefusedEverywhere("", "empty", ErrorCode::kInvalidArgument);
}

TEST(PipelineErrorsTest, TooLargeJustPastTheDefaultLimit) {
  ExpectRefusedEverywhere(PaddedPng((10u << 20) + 1), "too_large", ErrorCode::kTooLarge);
}

TEST(PipelineErrorsTest, ExactlyTheDefaultLimitIsNotTooLarge) {
  // A valid PNG followed by padding up to exactly 10 MiB: the size check lets it through and the
  // PNG decoder stops at IEND.
  const std::string png = PaddedPng(10u << 20);
  ASSERT_EQ(png.size(), 10u << 20);
  auto info = Validate(AsBytes(png), Limits{});
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->width, 64);
  for (const Outcome& o : RunAll(png, Limits{})) EXPECT_NE(o.reason, "too_large") << o.entry_point;
}

TEST(PipelineErrorsTest, ConfiguredByteLimit) {
  const std::string png = testing::ToPng(testing::Textured(64, 48));
  Limits limits;
  limits.max_bytes = png.size();
  ExpectAcceptedEverywhere(png, limits);
  limits.max_bytes = png.size() - 1;
  ExpectRefusedEverywhere(png, "too_large", ErrorCode::kTooLarge, limits);
}

TEST(PipelineErrorsTest, UnsupportedFormats) {
  const std::string gif = HexBytes(
      "474946383961010001008000000000ffffff21f90401000000002c00000000010001000002024401003b");
  const std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\">"
      "<rect width=\"64\" height=\"64\" fill=\"red\"/></svg>";
  const std::string xml_svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg;
  VipsBlob* tiff_blob = testing::Solid(16, 16, {1, 2, 3}).tiffsave_buffer();
  size_t tiff_size = 0;
  const void* tiff_data = vips_blob_get(tiff_blob, &tiff_size);
  const std::string tiff(static_cast<const char*>(tiff_data), tiff_size);
  vips_area_unref(VIPS_AREA(tiff_blob));
  const std::string heic = "\0\0\0\x18"s + "ftypheic\0\0\0\0mif1heic"s + std::string(64, 'h');
  const std::string pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
  const std::string text = "just some words, not an image\n";
  for (const std::string* input : {&gif, &svg, &xml_svg, &tiff, &heic, &pdf, &text}) {
    SCOPED_TRACE(input->substr(0, 12));
    ExpectRefusedEverywhere(*input, "unsupported_format", ErrorCode::kUnsupported);
  }
}

TEST(PipelineErrorsTest, DecompressionBombRefusedFromTheHeader) {
  const std::string bomb = testing::PngWithDeclaredSize(100000, 100000);
  ASSERT_LT(bomb.size(), 4096u);
  const auto start = std::chrono::steady_clock::now();
  ExpectRefusedEverywhere(bomb, "too_many_pixels", ErrorCode::kTooLarge);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(PipelineErrorsTest, PixelLimitHonouredBothWays) {
  const std::string png = testing::ToPng(testing::Textured(100, 80));  // 8000 pixels
  Limits limits;
  limits.max_pixels = 8000;
  ExpectAcceptedEverywhere(png, limits);
  limits.max_pixels = 7999;
  ExpectRefusedEverywhere(png, "too_many_pixels", ErrorCode::kTooLarge, limits);
}

TEST(PipelineErrorsTest, PixelLimitAppliesToEveryFormat) {
  const auto img = testing::Textured(100, 80);
  Limits limits;
  limits.max_pixels = 7999;
  for (const std::string& bytes :
       {testing::ToJpeg(img), testing::ToWebp(img), testing::ToWebp(img, /*lossless=*/true)}) {
    ExpectRefusedEverywhere(bytes, "too_many_pixels", ErrorCode::kTooLarge, limits);
  }
}

TEST(PipelineErrorsTest, RaisedPixelLimitLetsTheDecoderFindTheBombTruncated) {
  // With the limit out of the way the header passes, and the decoder must still refuse the data
  // (it holds a few hundred bytes of a 10-gigapixel image) without trying to allocate it.
  Limits limits;
  limits.max_pixels = 10'000'000'000ull;
  auto r = Validate(AsBytes(testing::PngWithDeclaredSize(100000, 100000)), limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "corrupt") << r.error().ToString();
}

TEST(PipelineErrorsTest, TruncatedPng) {
  const std::string png = testing::ToPng(testing::Textured(200, 150));
  ExpectRefusedEverywhere(png.substr(0, png.size() * 6 / 10), "corrupt",
                          ErrorCode::kInvalidArgument);
  // Header intact, image data far too short.
  ExpectRefusedEverywhere(testing::PngWithDeclaredSize(100, 80, 64), "corrupt",
                          ErrorCode::kInvalidArgument);
}

TEST(PipelineErrorsTest, TruncatedJpeg) {
  const std::string jpeg = testing::ToJpeg(testing::Textured(200, 150));
  ExpectRefusedEverywhere(jpeg.substr(0, jpeg.size() * 6 / 10), "corrupt",
                          ErrorCode::kInvalidArgument);
}

TEST(PipelineErrorsTest, TruncatedWebp) {
  const std::string webp = testing::ToWebp(testing::Textured(200, 150));
  ExpectRefusedEverywhere(webp.substr(0, webp.size() * 6 / 10), "corrupt",
                          ErrorCode::kInvalidArgument);
}

TEST(PipelineErrorsTest, GarbageAfterValidMagic) {
  const std::string garbage(200, 'g');
  ExpectRefusedEverywhere("\x89PNG\r\n\x1a\n" + garbage, "corrupt", ErrorCode::kInvalidArgument);
  ExpectRefusedEverywhere("\xFF\xD8\xFF" + garbage, "corrupt", ErrorCode::kInvalidArgument);
  ExpectRefusedEverywhere("RIFF\xd0\0\0\0WEBP"s + garbage, "corrupt", ErrorCode::kInvalidArgument);
}

TEST(PipelineErrorsTest, GarbageImageDataBehindAValidHeader) {
  // IHDR is valid (with its CRC), the IDAT that follows is noise.
  std::string png = testing::ToPng(testing::Textured(64, 48));
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  for (size_t i = idat + 4; i < png.size() - 12; ++i) png[i] = char(i * 37 + 11);
  ExpectRefusedEverywhere(png, "corrupt", ErrorCode::kInvalidArgument);
}

TEST(PipelineErrorsTest, BadOptions) {
  const std::string png = testing::ToPng(testing::Textured(32, 32));
  const Bytes b = AsBytes(png);
  for (auto [max_dimension, thumb_size] :
       {std::pair{15, 256}, std::pair{16385, 256}, std::pair{2048, 15}, std::pair{2048, 4097}}) {
    OptimizeOptions o;
    o.max_dimension = max_dimension;
    o.thumb_size = thumb_size;
    auto web = OptimizeForWeb(b, o);
    ASSERT_FALSE(web) << max_dimension << " " << thumb_size;
    EXPECT_EQ(web.error().reason, "bad_option");
    EXPECT_EQ(web.error().code, ErrorCode::kInvalidArgument);
  }
  OptimizeOptions o;
  o.max_dimension = 15;
  auto full = Optimize(b, o);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().reason, "bad_option");
  auto thumb = Thumbnail(b, 15, OptimizeOptions{});
  ASSERT_FALSE(thumb);
  EXPECT_EQ(thumb.error().reason, "bad_option");
  EXPECT_TRUE(Thumbnail(b, 16, OptimizeOptions{}));
}

// Long thin images: shrink-on-load is chosen from the long side, and once took a 16384x4 JPEG's
// short side to 0 px, which libvips answers with an abort of the whole process (found by
// fuzz/image_fuzz.cc). Every entry point must take them and keep at least a pixel across.
TEST(PipelineErrorsTest, LongThinImagesKeepAPixelAcross) {
  testing::InitVips();
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"jpeg 16384x4", testing::ToJpeg(testing::Textured(16384, 4))},
      {"jpeg 4x16384", testing::ToJpeg(testing::Textured(4, 16384))},
      {"jpeg 16384x1", testing::ToJpeg(testing::Textured(16384, 1))},
      {"webp 16383x3", testing::ToWebp(testing::Textured(16383, 3))},
      {"png 1x16384", testing::ToPng(testing::Textured(1, 16384))},
  };
  for (const auto& [name, bytes] : inputs) {
    SCOPED_TRACE(name);
    ExpectAcceptedEverywhere(bytes);
    auto web = OptimizeForWeb(AsBytes(bytes), OptimizeOptions{});
    ASSERT_TRUE(web) << web.error().ToString();
    const vips::VImage full = testing::Decode(web->optimized.bytes);
    const vips::VImage thumb = testing::Decode(web->thumbnail.bytes);
    EXPECT_EQ(std::max(full.width(), full.height()), 2048);
    EXPECT_GE(std::min(full.width(), full.height()), 1);
    EXPECT_EQ(std::max(thumb.width(), thumb.height()), 256);
    EXPECT_GE(std::min(thumb.width(), thumb.height()), 1);
  }
}

TEST(PipelineErrorsTest, ValidateReportsWhatTheHeaderSays) {
  auto png = Validate(AsBytes(testing::ToPng(testing::Solid(30, 20, {1, 2, 3, 4}))), Limits{});
  ASSERT_TRUE(png) << png.error().ToString();
  EXPECT_EQ(png->format, Format::kPng);
  EXPECT_EQ(png->width, 30);
  EXPECT_EQ(png->height, 20);
  EXPECT_TRUE(png->has_alpha);

  auto jpeg = Validate(AsBytes(testing::ToJpeg(testing::Textured(30, 20))), Limits{});
  ASSERT_TRUE(jpeg) << jpeg.error().ToString();
  EXPECT_EQ(jpeg->format, Format::kJpeg);
  EXPECT_FALSE(jpeg->has_alpha);

  auto webp = Validate(AsBytes(testing::ToWebp(testing::Solid(30, 20, {1, 2, 3, 4}))), Limits{});
  ASSERT_TRUE(webp) << webp.error().ToString();
  EXPECT_EQ(webp->format, Format::kWebp);
  EXPECT_EQ(webp->width, 30);
  EXPECT_TRUE(webp->has_alpha);
}

}  // namespace
}  // namespace noisett::image
