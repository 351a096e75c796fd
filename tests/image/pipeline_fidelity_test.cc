// Fidelity on real-world files (issue 24): PNG gamma, CMYK JPEGs, stray bytes between JPEG markers,
// tiny lossless WebPs, 12-bit JPEGs and what original_width/height mean. The inputs are
// tests/image/fixtures/, made by make_fixtures.py, which also saved NAME.ref.png: what a reference
// decoder (libpng, libjpeg or libwebp, through Pillow) plus a browser's colour handling shows for
// each. Every fixture is a grid of 16x16 single-colour cells, so the pipeline's lossy output is
// compared cell by cell, on each cell's centre.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "image/format_sniff.h"
#include "image/pipeline.h"
#include "image/test_images.h"

namespace noisett::image {
namespace {

using vips::VImage;

constexpr int kCell = 16;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(NOISETT_IMAGE_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The largest difference, over every cell and band, between the means of the cell's central 8x8
// pixels in `out` and in `ref` (both decoded, same size).
double WorstCellDifference(const VImage& out, const VImage& ref) {
  EXPECT_EQ(out.width(), ref.width());
  EXPECT_EQ(out.height(), ref.height());
  double worst = 0;
  for (int top = 0; top + kCell <= ref.height(); top += kCell) {
    for (int left = 0; left + kCell <= ref.width(); left += kCell) {
      const auto a = testing::MeanOf(out, left + 4, top + 4, 8, 8);
      const auto b = testing::MeanOf(ref, left + 4, top + 4, 8, 8);
      for (size_t band = 0; band < 3; ++band) worst = std::max(worst, std::abs(a[band] - b[band]));
    }
  }
  return worst;
}

// The full image, optimized at the high preset (JPEG 95 / WebP 100) and decoded again.
VImage OptimizedPixels(const std::string& bytes, OutputFormat format = OutputFormat::kJpeg) {
  OptimizeOptions options;
  options.quality = Quality::kHigh;
  options.format = format;
  auto web = OptimizeForWeb(AsBytes(bytes), options);
  if (!web) {
    ADD_FAILURE() << web.error().ToString();
    return VImage::black(1, 1, VImage::option()->set("bands", 3));
  }
  return testing::Decode(web->optimized.bytes);
}

// --- PNG gAMA: applied as browsers do, whatever path decodes the file ---

TEST(PipelineFidelityTest, PngGammaIsAppliedAsBrowsersDoAtEveryBitDepth) {
  const VImage ref = testing::Decode(Fixture("png_gamma.ref.png"));
  const std::string png8 = Fixture("png_gamma_8bit.png");
  const VImage eight = OptimizedPixels(png8);                                // libpng fast path
  const VImage sixteen = OptimizedPixels(Fixture("png_gamma_16bit.png"));    // libvips' loader
  const VImage with_exif =  // eXIf sends an 8-bit file through libvips' loader too
      OptimizedPixels(testing::InsertPngChunk(png8, "eXIf", testing::ExifTiff(1, false)));
  EXPECT_LE(WorstCellDifference(eight, ref), 3.0);
  EXPECT_LE(WorstCellDifference(sixteen, ref), 3.0);
  EXPECT_LE(WorstCellDifference(with_exif, ref), 3.0);
  // The same picture at two bit depths comes out the same.
  EXPECT_LE(WorstCellDifference(sixteen, eight), 1.0);
}

TEST(PipelineFidelityTest, PngGammaGivesWayToAnSrgbChunk) {
  // With sRGB (rendering intent 0) the samples are sRGB already: shown as stored, as browsers do.
  const VImage stored = testing::Decode(Fixture("png_gamma_8bit.png"));  // vips ignores gAMA
  for (const char* name : {"png_gamma_8bit.png", "png_gamma_16bit.png"}) {
    const std::string tagged = testing::InsertPngChunk(Fixture(name), "sRGB", std::string(1, '\0'));
    EXPECT_LE(WorstCellDifference(OptimizedPixels(tagged), stored), 3.0) << name;
  }
  const VImage ref = testing::Decode(Fixture("png_gamma.ref.png"));
  EXPECT_GT(WorstCellDifference(stored, ref), 50.0) << "the fixture's gAMA must matter";
}

// --- CMYK JPEG without an ICC profile ---

TEST(PipelineFidelityTest, AdobeCmykJpegMatchesLibjpegPlusBrowser) {
  const VImage ref = testing::Decode(Fixture("cmyk_adobe.ref.png"));
  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    EXPECT_LE(WorstCellDifference(OptimizedPixels(Fixture("cmyk_adobe.jpg"), format), ref), 3.0)
        << OutputFormatName(format);
  }
}

// --- Stray bytes between JPEG markers ---

TEST(PipelineFidelityTest, JpegWithStrayBytesBetweenMarkersDecodesAsLibjpegDoes) {
  const std::string jpeg = Fixture("jpeg_stray_bytes.jpg");
  auto header = ReadHeaderSize(AsBytes(jpeg));
  ASSERT_TRUE(header) << header.error().ToString();
  EXPECT_EQ(header->width, 128u);
  EXPECT_EQ(header->height, 32u);
  auto info = Validate(AsBytes(jpeg), Limits{});
  ASSERT_TRUE(info) << info.error().ToString();
  const VImage ref = testing::Decode(Fixture("jpeg_stray_bytes.ref.png"));
  EXPECT_LE(WorstCellDifference(OptimizedPixels(jpeg), ref), 3.0);
}

// --- A lossless WebP under 30 bytes ---

TEST(PipelineFidelityTest, TinyLosslessWebpIsAccepted) {
  const std::string webp = Fixture("webp_lossless_tiny.webp");
  ASSERT_LT(webp.size(), 30u);
  auto info = Validate(AsBytes(webp), Limits{});
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->width, 64);
  EXPECT_EQ(info->height, 48);
  const VImage ref = testing::Decode(Fixture("webp_lossless_tiny.ref.png"));
  for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
    EXPECT_LE(WorstCellDifference(OptimizedPixels(webp, format), ref), 3.0)
        << OutputFormatName(format);
  }
}

TEST(PipelineFidelityTest, TruncatedWebpHeadersAreStillCorrupt) {
  const std::string webp = Fixture("webp_lossless_tiny.webp");
  for (size_t size : {size_t(12), size_t(16), size_t(24)}) {
    auto header = ReadHeaderSize(AsBytes(webp.substr(0, size)));
    ASSERT_FALSE(header) << size;
    EXPECT_EQ(header.error().reason, "corrupt") << size;
  }
}

// --- 12-bit JPEG ---

template <typename R>
void ExpectUnsupported(const std::string& entry_point, const R& r) {
  ASSERT_FALSE(r) << entry_point;
  EXPECT_EQ(r.error().reason, "unsupported_format") << entry_point;
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported) << entry_point;
}

TEST(PipelineFidelityTest, TwelveBitJpegIsAnUnsupportedFormat) {
  // The 8-bit twin has the same hand-made layout and libjpeg decodes it to mid grey: the refusal
  // is about the sample precision, not a broken file.
  auto twin = OptimizeForWeb(AsBytes(Fixture("jpeg_8bit_twin.jpg")), OptimizeOptions{});
  ASSERT_TRUE(twin) << twin.error().ToString();
  EXPECT_NEAR(testing::MeanOf(testing::Decode(twin->optimized.bytes), 0, 0, 8, 8)[0], 128, 2);

  const std::string jpeg = Fixture("jpeg_12bit.jpg");
  OptimizeOptions options;
  const Bytes b = AsBytes(jpeg);
  ExpectUnsupported("Validate", Validate(b, Limits{}));
  ExpectUnsupported("Optimize", Optimize(b, options));
  ExpectUnsupported("Thumbnail", Thumbnail(b, 64, options));
  ExpectUnsupported("OptimizeForWeb", OptimizeForWeb(b, options));
}

// --- original_width / original_height (docs/api.md) ---

TEST(PipelineFidelityTest, OriginalSizeIsAsStoredAndSizeIsUpright) {
  // 120x40 stored, EXIF orientation 6 (turn 90 degrees clockwise to display).
  const std::string jpeg = testing::InsertJpegSegments(
      testing::ToJpeg(testing::CornerMarked(120, 40, 16)), testing::ExifSegment(6, false));
  auto web = OptimizeForWeb(AsBytes(jpeg), OptimizeOptions{});
  ASSERT_TRUE(web) << web.error().ToString();
  EXPECT_EQ(web->metadata.original_width, 120);
  EXPECT_EQ(web->metadata.original_height, 40);
  EXPECT_EQ(web->metadata.width, 40);
  EXPECT_EQ(web->metadata.height, 120);
}

}  // namespace
}  // namespace noisett::image
