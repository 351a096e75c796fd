// What the pipeline makes of good input: orientation, metadata stripping, alpha handling, sizes,
// shrink-on-load, quality presets, and every input format and colour layout it accepts.
#include "image/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "image/format_sniff.h"
#include "image/test_images.h"

namespace noisett::image {

// Readable test parameter names in gtest and ctest output (found by ADL, so not in the anonymous
// namespace).
void PrintTo(OutputFormat f, std::ostream* os) { *os << OutputFormatName(f); }

namespace {

using testing::Decode;
using testing::MeanOf;
using vips::VImage;

WebImage OptimizeOk(const std::string& bytes, OptimizeOptions options = {}) {
  auto r = OptimizeForWeb(AsBytes(bytes), options);
  EXPECT_TRUE(r) << r.error().ToString();
  if (!r) return {};
  return std::move(*r);
}

OptimizeOptions WithFormat(OutputFormat format) {
  OptimizeOptions o;
  o.format = format;
  return o;
}

void ExpectSize(const EncodedImage& e, int w, int h) {
  EXPECT_EQ(e.width, w);
  EXPECT_EQ(e.height, h);
  const VImage decoded = Decode(e.bytes);
  EXPECT_EQ(decoded.width(), w);
  EXPECT_EQ(decoded.height(), h);
}

void ExpectColour(const VImage& img, int left, int top, int size, std::vector<double> rgb,
                  const std::string& where) {
  const std::vector<double> mean = MeanOf(img, left, top, size, size);
  ASSERT_GE(mean.size(), 3u);
  for (int b = 0; b < 3; ++b) EXPECT_NEAR(mean[b], rgb[b], 20) << where << " band " << b;
}

bool IsJpeg(const std::string& b) { return b.size() > 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0; }
bool IsWebp(const std::string& b) {
  return b.size() > 12 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0;
}

// --- EXIF orientation ---

struct OrientationCase {
  int orientation;
  int width, height;           // displayed size of the 300x200 stored image
  bool red_right, red_bottom;  // where the stored top-left (red) block must be displayed
};

void PrintTo(const OrientationCase& c, std::ostream* os) { *os << "orientation " << c.orientation; }

class OrientationTest : public ::testing::TestWithParam<std::tuple<OrientationCase, OutputFormat>> {
};

TEST_P(OrientationTest, AppliedToBothOutputs) {
  const auto [c, format] = GetParam();
  const std::string jpeg =
      testing::InsertJpegSegments(testing::ToJpeg(testing::CornerMarked(300, 200, 50), 95),
                                  testing::ExifSegment(c.orientation, false));
  ASSERT_EQ(VImage::new_from_buffer(jpeg, "").get_int("orientation"), c.orientation)
      << "the test input must carry the orientation";

  const WebImage web = OptimizeOk(jpeg, WithFormat(format));
  EXPECT_EQ(web.metadata.original_width, 300);
  EXPECT_EQ(web.metadata.original_height, 200);
  ExpectSize(web.optimized, c.width, c.height);
  EXPECT_EQ(web.metadata.width, c.width);
  EXPECT_EQ(web.metadata.height, c.height);

  const VImage full = Decode(web.optimized.bytes);
  const int w = c.width, h = c.height;
  // Sample 30x30 squares well inside each 50x50 corner block.
  const int rx = c.red_right ? w - 40 : 10, ry = c.red_bottom ? h - 40 : 10;
  const int bx = c.red_right ? 10 : w - 40, by = c.red_bottom ? 10 : h - 40;
  ExpectColour(full, rx, ry, 30, {255, 0, 0}, "red corner");
  ExpectColour(full, bx, by, 30, {0, 0, 255}, "blue corner");
  ExpectColour(full, c.red_right ? 10 : w - 40, ry, 30, {128, 128, 128}, "grey corner");

  // The thumbnail is rotated the same way (fit inside 256).
  const VImage thumb = Decode(web.thumbnail.bytes);
  EXPECT_EQ(thumb.width() > thumb.height(), w > h);
  EXPECT_EQ(std::max(thumb.width(), thumb.height()), 256);
  const int tw = thumb.width(), th = thumb.height();
  ExpectColour(thumb, c.red_right ? tw - 30 : 8, c.red_bottom ? th - 30 : 8, 22, {255, 0, 0},
               "thumbnail red corner");
}

std::string OrientationName(
    const ::testing::TestParamInfo<std::tuple<OrientationCase, OutputFormat>>& info) {
  return "Orientation" + std::to_string(std::get<0>(info.param).orientation) + "_" +
         std::string(OutputFormatName(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(
    Orientations, OrientationTest,
    ::testing::Combine(::testing::Values(OrientationCase{1, 300, 200, false, false},
                                         OrientationCase{3, 300, 200, true, true},
                                         OrientationCase{6, 200, 300, true, false},
                                         OrientationCase{8, 200, 300, false, true}),
                       ::testing::Values(OutputFormat::kJpeg, OutputFormat::kWebp)),
    OrientationName);

TEST(PipelineTest, OptimizeAndThumbnailAlsoRotate) {
  const std::string jpeg = testing::InsertJpegSegments(
      testing::ToJpeg(testing::CornerMarked(300, 200, 50), 95), testing::ExifSegment(6, false));
  auto full = Optimize(AsBytes(jpeg), OptimizeOptions{});
  ASSERT_TRUE(full) << full.error().ToString();
  ExpectSize(*full, 200, 300);
  ExpectColour(Decode(full->bytes), 160, 10, 30, {255, 0, 0}, "red corner");
  auto thumb = Thumbnail(AsBytes(jpeg), 150, OptimizeOptions{});
  ASSERT_TRUE(thumb) << thumb.error().ToString();
  ExpectSize(*thumb, 100, 150);
}

TEST(PipelineTest, PngExifOrientationIsApplied) {
  const std::string png = testing::InsertPngChunk(
      testing::ToPng(testing::CornerMarked(300, 200, 50)), "eXIf", testing::ExifTiff(6, false));
  ASSERT_EQ(VImage::new_from_buffer(png, "").get_int("orientation"), 6)
      << "the test input must carry the orientation";
  const WebImage web = OptimizeOk(png);
  ExpectSize(web.optimized, 200, 300);
  ExpectColour(Decode(web.optimized.bytes), 160, 10, 30, {255, 0, 0}, "red corner");
}

TEST(PipelineTest, WebpExifOrientationIsApplied) {
  const std::string webp = testing::WebpWithExif(
      testing::ToWebp(testing::CornerMarked(300, 200, 50), false, 95), testing::ExifTiff(6, false));
  ASSERT_EQ(VImage::new_from_buffer(webp, "").get_int("orientation"), 6)
      << "the test input must carry the orientation";
  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    const WebImage web = OptimizeOk(webp, WithFormat(format));
    ExpectSize(web.optimized, 200, 300);
    ExpectColour(Decode(web.optimized.bytes), 160, 10, 30, {255, 0, 0}, "red corner");
  }
}

// --- Metadata stripping ---

bool IsPrivateField(const std::string& name) {
  return name.rfind("exif-", 0) == 0 || name == "xmp-data" || name == "jpeg-comment" ||
         name == "iptc-data";
}

TEST(PipelineTest, GpsExifXmpAndCommentsAreStripped) {
  const std::string input =
      testing::InsertJpegSegments(testing::ToJpeg(testing::Textured(320, 240)),
                                  testing::ExifSegment(1, true) + testing::XmpSegment() +
                                      testing::CommentSegment("GPS: secret place"));
  // The input really carries what must be removed.
  const std::vector<std::string> in_fields = testing::FieldNames(Decode(input));
  for (const char* f : {"exif-data", "exif-ifd3-GPSLatitude", "xmp-data"}) {
    EXPECT_NE(std::find(in_fields.begin(), in_fields.end(), f), in_fields.end()) << f;
  }
  ASSERT_TRUE(testing::Contains(input, "GPS"));
  ASSERT_TRUE(testing::Contains(input, "secret"));

  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    const WebImage web = OptimizeOk(input, WithFormat(format));
    for (const EncodedImage* out : {&web.optimized, &web.thumbnail}) {
      SCOPED_TRACE(std::string(OutputFormatName(format)) + " " +
                   (out == &web.optimized ? "optimized" : "thumbnail"));
      for (const std::string& f : testing::FieldNames(Decode(out->bytes))) {
        EXPECT_FALSE(IsPrivateField(f)) << f;
      }
      for (const char* marker : {"Exif", "EXIF", "GPS", "xap/1.0", "xmpmeta", "XMP ", "secret"}) {
        EXPECT_FALSE(testing::Contains(out->bytes, marker)) << marker;
      }
    }
  }
}

TEST(PipelineTest, PngExifGpsIsStripped) {
  const std::string png = testing::InsertPngChunk(testing::ToPng(testing::Textured(120, 90)),
                                                  "eXIf", testing::ExifTiff(1, true));
  const std::vector<std::string> in_fields = testing::FieldNames(Decode(png));
  ASSERT_NE(std::find(in_fields.begin(), in_fields.end(), "exif-ifd3-GPSLatitude"),
            in_fields.end());
  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    const WebImage web = OptimizeOk(png, WithFormat(format));
    for (const EncodedImage* out : {&web.optimized, &web.thumbnail}) {
      SCOPED_TRACE(std::string(OutputFormatName(format)) + " " +
                   (out == &web.optimized ? "optimized" : "thumbnail"));
      for (const char* marker : {"Exif", "EXIF", "eXIf", "GPS"}) {
        EXPECT_FALSE(testing::Contains(out->bytes, marker)) << marker;
      }
    }
  }
}

// --- Alpha ---

TEST(PipelineTest, TransparentPngBecomesWhiteJpeg) {
  // Fully transparent black: the colour under the alpha must not show through.
  const std::string png = testing::ToPng(testing::Solid(64, 48, {0, 0, 0, 0}));
  const WebImage web = OptimizeOk(png);
  EXPECT_TRUE(web.metadata.has_alpha);
  for (const EncodedImage* out : {&web.optimized, &web.thumbnail}) {
    ASSERT_TRUE(IsJpeg(out->bytes));
    const VImage img = Decode(out->bytes);
    EXPECT_EQ(img.bands(), 3);
    for (double m : MeanOf(img, 0, 0, img.width(), img.height())) EXPECT_GT(m, 250);
  }
}

TEST(PipelineTest, TransparentPngStaysWhiteWhenResized) {
  const std::string png = testing::ToPng(testing::Solid(600, 400, {0, 0, 0, 0}));
  const WebImage web = OptimizeOk(png);
  const VImage thumb = Decode(web.thumbnail.bytes);
  EXPECT_EQ(thumb.width(), 256);
  for (double m : MeanOf(thumb, 0, 0, thumb.width(), thumb.height())) EXPECT_GT(m, 250);
}

TEST(PipelineTest, HalfTransparentBlackIsFlattenedOntoWhite) {
  const std::string png = testing::ToPng(testing::Solid(64, 48, {0, 0, 0, 128}));
  const WebImage web = OptimizeOk(png);
  const VImage img = Decode(web.optimized.bytes);
  // 128/255 black over white: about 127, far from the 0 of a black background.
  for (double m : MeanOf(img, 0, 0, img.width(), img.height())) EXPECT_NEAR(m, 127, 12);
}

TEST(PipelineTest, WebpKeepsAlpha) {
  // Left half transparent, right half opaque red.
  VImage img = testing::Solid(400, 200, {0, 0, 0, 0})
                   .insert(testing::Solid(200, 200, {255, 0, 0, 255}), 200, 0);
  const WebImage web = OptimizeOk(testing::ToPng(img), WithFormat(OutputFormat::kWebp));
  EXPECT_EQ(web.metadata.format, OutputFormat::kWebp);
  EXPECT_TRUE(web.metadata.has_alpha);
  for (const EncodedImage* out : {&web.optimized, &web.thumbnail}) {
    EXPECT_EQ(out->format, OutputFormat::kWebp);
    ASSERT_TRUE(IsWebp(out->bytes));
    const VImage decoded = Decode(out->bytes);
    ASSERT_EQ(decoded.bands(), 4);
    EXPECT_TRUE(decoded.has_alpha());
    const int w = decoded.width(), h = decoded.height();
    EXPECT_LT(MeanOf(decoded, 4, 4, w / 2 - 16, h - 8)[3], 5) << "left half stays transparent";
    const std::vector<double> right = MeanOf(decoded, w / 2 + 12, 4, w / 2 - 16, h - 8);
    EXPECT_GT(right[3], 250) << "right half stays opaque";
    EXPECT_GT(right[0], 230);
  }
  EXPECT_EQ(web.thumbnail.width, 256);
  EXPECT_EQ(web.thumbnail.height, 128);
}

TEST(PipelineTest, OpaqueInputToWebpHasNoAlpha) {
  const WebImage web =
      OptimizeOk(testing::ToJpeg(testing::Textured(100, 80)), WithFormat(OutputFormat::kWebp));
  EXPECT_EQ(Decode(web.optimized.bytes).bands(), 3);
  EXPECT_FALSE(web.metadata.has_alpha);
}

// --- Sizes ---

TEST(PipelineTest, NeverEnlarges) {
  const VImage img = testing::Textured(100, 80);
  for (const std::string& bytes :
       {testing::ToPng(img), testing::ToJpeg(img), testing::ToWebp(img)}) {
    for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
      const WebImage web = OptimizeOk(bytes, WithFormat(format));
      ExpectSize(web.optimized, 100, 80);
      ExpectSize(web.thumbnail, 100, 80);
      EXPECT_EQ(web.metadata.thumbnail_width, 100);
      EXPECT_EQ(web.metadata.thumbnail_height, 80);
    }
  }
}

TEST(PipelineTest, ThumbnailsFitAndKeepTheAspectRatio) {
  const WebImage wide = OptimizeOk(testing::ToPng(testing::Textured(1000, 500)));
  ExpectSize(wide.optimized, 1000, 500);
  ExpectSize(wide.thumbnail, 256, 128);
  const WebImage tall = OptimizeOk(testing::ToPng(testing::Textured(500, 1000)));
  ExpectSize(tall.optimized, 500, 1000);
  ExpectSize(tall.thumbnail, 128, 256);
  const WebImage odd = OptimizeOk(testing::ToJpeg(testing::Textured(999, 333)));
  ExpectSize(odd.thumbnail, 256, 85);
}

TEST(PipelineTest, FullImageFitsMaxDimension) {
  const WebImage web = OptimizeOk(testing::ToPng(testing::Solid(3000, 1500, {40, 90, 200})));
  ExpectSize(web.optimized, 2048, 1024);
  ExpectSize(web.thumbnail, 256, 128);
  EXPECT_EQ(web.metadata.original_width, 3000);
  EXPECT_EQ(web.metadata.original_height, 1500);
  ExpectColour(Decode(web.optimized.bytes), 1000, 500, 40, {40, 90, 200}, "centre");
}

TEST(PipelineTest, CustomBoxes) {
  OptimizeOptions o;
  o.max_dimension = 300;
  o.thumb_size = 64;
  const WebImage web = OptimizeOk(testing::ToWebp(testing::Textured(600, 450)), o);
  ExpectSize(web.optimized, 300, 225);
  ExpectSize(web.thumbnail, 64, 48);
}

// 4096x3072 with marked corners; made once, it is the slowest input to encode.
const std::string& LargeJpeg() {
  static const std::string jpeg = testing::ToJpeg(testing::CornerMarked(4096, 3072, 512), 80);
  return jpeg;
}

TEST(PipelineTest, LargeJpegUsesShrinkOnLoad) {
  const std::string& jpeg = LargeJpeg();
  const WebImage web = OptimizeOk(jpeg);
  ExpectSize(web.optimized, 2048, 1536);
  ExpectSize(web.thumbnail, 256, 192);
  EXPECT_EQ(web.metadata.original_width, 4096);
  EXPECT_EQ(web.metadata.original_height, 3072);
  const VImage full = Decode(web.optimized.bytes);
  ExpectColour(full, 20, 20, 200, {255, 0, 0}, "red corner");
  ExpectColour(full, 2048 - 220, 1536 - 220, 200, {0, 0, 255}, "blue corner");

  auto thumb = Thumbnail(AsBytes(jpeg), 256, OptimizeOptions{});
  ASSERT_TRUE(thumb) << thumb.error().ToString();
  ExpectSize(*thumb, 256, 192);
}

TEST(PipelineTest, LargeRotatedJpegUsesShrinkOnLoad) {
  const std::string jpeg = testing::InsertJpegSegments(LargeJpeg(), testing::ExifSegment(6, false));
  const WebImage web = OptimizeOk(jpeg);
  ExpectSize(web.optimized, 1536, 2048);
  ExpectSize(web.thumbnail, 192, 256);
  EXPECT_EQ(web.metadata.original_width, 4096);
  EXPECT_EQ(web.metadata.original_height, 3072);
  // Stored top-left (red) is displayed top-right after a 90 degree clockwise turn.
  ExpectColour(Decode(web.optimized.bytes), 1536 - 220, 20, 200, {255, 0, 0}, "red corner");
}

TEST(PipelineTest, ExtremeAspectRatios) {
  const WebImage wide = OptimizeOk(testing::ToPng(testing::Solid(4000, 3, {9, 9, 9})));
  ExpectSize(wide.optimized, 2048, 2);
  ExpectSize(wide.thumbnail, 256, 1);
  const WebImage tall = OptimizeOk(testing::ToPng(testing::Solid(3, 4000, {9, 9, 9})));
  ExpectSize(tall.optimized, 2, 2048);
  ExpectSize(tall.thumbnail, 1, 256);
  const WebImage dot = OptimizeOk(testing::ToPng(testing::Solid(1, 1, {9, 9, 9})));
  ExpectSize(dot.optimized, 1, 1);
  ExpectSize(dot.thumbnail, 1, 1);
}

TEST(PipelineTest, InterlacedPngAndProgressiveJpeg) {
  const VImage img = testing::Textured(150, 100);
  VipsBlob* png = img.pngsave_buffer(VImage::option()->set("interlace", true));
  VipsBlob* jpeg = img.jpegsave_buffer(VImage::option()->set("interlace", true));
  for (VipsBlob* blob : {png, jpeg}) {
    size_t size = 0;
    const void* data = vips_blob_get(blob, &size);
    const std::string bytes(static_cast<const char*>(data), size);
    vips_area_unref(VIPS_AREA(blob));
    const WebImage web = OptimizeOk(bytes);
    ExpectSize(web.optimized, 150, 100);
  }
}

TEST(PipelineTest, WebpThumbnailScalesOnLoad) {
  // 1100 / 4 >= 256, so Thumbnail() decodes at a quarter scale before the final resize.
  const std::string webp = testing::ToWebp(testing::CornerMarked(1100, 550, 120));
  auto thumb = Thumbnail(AsBytes(webp), 256, OptimizeOptions{});
  ASSERT_TRUE(thumb) << thumb.error().ToString();
  ExpectSize(*thumb, 256, 128);
  ExpectColour(Decode(thumb->bytes), 4, 4, 18, {255, 0, 0}, "red corner");
  const WebImage web = OptimizeOk(webp);
  ExpectSize(web.optimized, 1100, 550);
  ExpectSize(web.thumbnail, 256, 128);
}

TEST(PipelineTest, ThumbnailLargerThanMaxDimensionDoesNotDependOnInputFormat) {
  // thumb_size > max_dimension is allowed; the thumbnail still fits thumb_size without enlarging
  // the original, whatever shrink-on-load the full image alone could use (JPEG: 1/8 here).
  OptimizeOptions o;
  o.max_dimension = 40;
  o.thumb_size = 128;
  const VImage img = testing::Textured(400, 300);
  for (const std::string& bytes :
       {testing::ToPng(img), testing::ToJpeg(img), testing::ToWebp(img)}) {
    SCOPED_TRACE(std::string(FormatName(*SniffFormat(AsBytes(bytes)))));
    const WebImage web = OptimizeOk(bytes, o);
    ExpectSize(web.optimized, 40, 30);
    ExpectSize(web.thumbnail, 128, 96);
  }
}

TEST(PipelineTest, ShrinkOnLoadKeepsTheExactAspectRatio) {
  // 256x150 fitted inside 64 is 64x38 (37.5 rounded). A JPEG decoded at 1/4 scale is 64x37
  // (150/4 rounded down). The target size must come from the original dimensions, so every
  // format gives the same answer.
  const VImage img = testing::Textured(256, 150);
  for (const std::string& bytes :
       {testing::ToPng(img), testing::ToJpeg(img), testing::ToWebp(img)}) {
    SCOPED_TRACE(std::string(FormatName(*SniffFormat(AsBytes(bytes)))));
    auto thumb = Thumbnail(AsBytes(bytes), 64, OptimizeOptions{});
    ASSERT_TRUE(thumb) << thumb.error().ToString();
    ExpectSize(*thumb, 64, 38);
  }
}

TEST(PipelineTest, OptimizeMatchesOptimizeForWeb) {
  const std::string jpeg = testing::ToJpeg(testing::Textured(700, 500));
  const WebImage web = OptimizeOk(jpeg);
  auto full = Optimize(AsBytes(jpeg), OptimizeOptions{});
  ASSERT_TRUE(full) << full.error().ToString();
  EXPECT_EQ(full->width, web.optimized.width);
  EXPECT_EQ(full->height, web.optimized.height);
  EXPECT_EQ(full->bytes, web.optimized.bytes);
  auto thumb = Thumbnail(AsBytes(jpeg), 256, OptimizeOptions{});
  ASSERT_TRUE(thumb) << thumb.error().ToString();
  EXPECT_EQ(thumb->width, web.thumbnail.width);
  EXPECT_EQ(thumb->height, web.thumbnail.height);
}

// --- Quality presets ---

TEST(PipelineTest, QualityPresetsOrderOutputSizes) {
  const std::string input = testing::ToPng(testing::Textured(512, 384));
  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    SCOPED_TRACE(std::string(OutputFormatName(format)));
    std::vector<WebImage> out;
    for (Quality q : {Quality::kHigh, Quality::kMedium, Quality::kLow}) {
      OptimizeOptions o = WithFormat(format);
      o.quality = q;
      out.push_back(OptimizeOk(input, o));
    }
    EXPECT_GT(out[0].optimized.bytes.size(), out[1].optimized.bytes.size());
    EXPECT_GT(out[1].optimized.bytes.size(), out[2].optimized.bytes.size());
    EXPECT_GT(out[0].thumbnail.bytes.size(), out[1].thumbnail.bytes.size());
    EXPECT_GT(out[1].thumbnail.bytes.size(), out[2].thumbnail.bytes.size());
  }
}

// --- Input formats and colour layouts ---

TEST(PipelineTest, AcceptsEveryInputFormat) {
  const VImage img = testing::Textured(120, 90);
  const VImage alpha = testing::Solid(120, 90, {200, 100, 50, 255});
  const std::vector<std::pair<std::string, Format>> inputs = {
      {testing::ToPng(img), Format::kPng},
      {testing::ToJpeg(img), Format::kJpeg},
      {testing::ToWebp(img), Format::kWebp},
      {testing::ToWebp(img, /*lossless=*/true), Format::kWebp},
      {testing::ToWebp(alpha), Format::kWebp},
  };
  for (const auto& [bytes, format] : inputs) {
    for (OutputFormat out : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
      const WebImage web = OptimizeOk(bytes, WithFormat(out));
      EXPECT_EQ(web.metadata.source_format, format);
      EXPECT_EQ(web.metadata.format, out);
      EXPECT_EQ(web.optimized.format, out);
      EXPECT_TRUE(out == OutputFormat::kJpeg ? IsJpeg(web.optimized.bytes)
                                             : IsWebp(web.optimized.bytes));
      EXPECT_TRUE(out == OutputFormat::kJpeg ? IsJpeg(web.thumbnail.bytes)
                                             : IsWebp(web.thumbnail.bytes));
      ExpectSize(web.optimized, 120, 90);
    }
  }
}

TEST(PipelineTest, GreyAnd16BitPngsBecomeSrgb) {
  const VImage grey = testing::Solid(80, 60, {90})
                          .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_B_W));
  const VImage grey_alpha =
      testing::Solid(80, 60, {90, 0})
          .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_B_W));
  const VImage rgb16 =
      (testing::Solid(80, 60, {10, 100, 200}).cast(VIPS_FORMAT_USHORT) * 257)
          .cast(VIPS_FORMAT_USHORT)
          .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_RGB16));
  struct Case {
    const char* name;
    const VImage* img;
    std::vector<double> jpeg_rgb;
  };
  for (const Case& c : {Case{"grey", &grey, {90, 90, 90}},
                        Case{"grey+alpha (transparent)", &grey_alpha, {255, 255, 255}},
                        Case{"rgb16", &rgb16, {10, 100, 200}}}) {
    SCOPED_TRACE(c.name);
    const WebImage web = OptimizeOk(testing::ToPng(*c.img));
    const VImage out = Decode(web.optimized.bytes);
    EXPECT_EQ(out.bands(), 3);
    EXPECT_EQ(out.format(), VIPS_FORMAT_UCHAR);
    ExpectColour(out, 20, 20, 20, c.jpeg_rgb, c.name);
  }
}

TEST(PipelineTest, CmykJpegBecomesRgb) {
  const VImage cmyk = testing::Solid(80, 60, {0, 0, 0, 0})
                          .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_CMYK));
  const WebImage web = OptimizeOk(testing::ToJpeg(cmyk));
  const VImage out = Decode(web.optimized.bytes);
  EXPECT_EQ(out.bands(), 3);
  EXPECT_EQ(out.interpretation(), VIPS_INTERPRETATION_sRGB);
}

TEST(PipelineTest, OutputIsDeterministic) {
  const std::string input = testing::ToPng(testing::Solid(300, 200, {0, 0, 0, 100}));
  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    const WebImage a = OptimizeOk(input, WithFormat(format));
    const WebImage b = OptimizeOk(input, WithFormat(format));
    EXPECT_EQ(a.optimized.bytes, b.optimized.bytes);
    EXPECT_EQ(a.thumbnail.bytes, b.thumbnail.bytes);
  }
}

}  // namespace
}  // namespace noisett::image
