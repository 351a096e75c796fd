// MakeRenditions: every output decodes (AVIF with libheif, WebP with libwebp) at the right size
// for landscape, portrait, small and EXIF-rotated inputs; sizes an image is too small for are
// skipped; alpha survives; bad input is refused with Validate's reasons; and each rendition stays
// close to a reference downscale of the original (PSNR), so a broken encoder setting shows.
#include "image/renditions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "image/heif_handles.h"
#include "image/pipeline.h"
#include "image/test_images.h"
#include "image/webp_codec.h"

namespace noisett::image {
namespace {

using testing::MeanOf;
using vips::VImage;

// An image owning a copy of `size` bytes of packed pixels (VImage::new_from_memory would borrow
// them, and copy_memory() of such an image still borrows).
VImage FromPixels(const uint8_t* data, size_t size, int w, int h, int bands) {
  return VImage(vips_image_new_from_memory_copy(data, size, w, h, bands, VIPS_FORMAT_UCHAR));
}

// What a browser would get out of an AVIF: its pixels (RGB or RGBA) and what the file says.
struct DecodedAvif {
  VImage pixels;
  int metadata_blocks = -1;  // EXIF and XMP items
  bool srgb_nclx = false;    // an nclx colour box with the sRGB transfer curve
};

DecodedAvif DecodeAvif(const std::string& bytes) {
  HeifContextPtr ctx(heif_context_alloc());
  heif_error e =
      heif_context_read_from_memory_without_copy(ctx.get(), bytes.data(), bytes.size(), nullptr);
  if (e.code) throw std::runtime_error(std::string("not a HEIF file: ") + e.message);
  heif_image_handle* raw_handle = nullptr;
  e = heif_context_get_primary_image_handle(ctx.get(), &raw_handle);
  if (e.code) throw std::runtime_error(std::string("no primary image: ") + e.message);
  HeifImageHandlePtr handle(raw_handle);
  const bool alpha = heif_image_handle_has_alpha_channel(handle.get()) != 0;
  heif_image* raw_image = nullptr;
  e = heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB,
                        alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
                        nullptr);
  if (e.code) throw std::runtime_error(std::string("cannot decode: ") + e.message);
  HeifImagePtr image(raw_image);
  int stride = 0;
  const uint8_t* plane =
      heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  const int w = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(image.get(), heif_channel_interleaved);
  const int bands = alpha ? 4 : 3;
  std::vector<uint8_t> packed(size_t(w) * h * bands);
  for (int y = 0; y < h; ++y) {
    std::copy_n(plane + size_t(y) * stride, size_t(w) * bands,
                packed.data() + size_t(y) * w * bands);
  }
  DecodedAvif out;
  out.pixels = FromPixels(packed.data(), packed.size(), w, h, bands);
  out.metadata_blocks = heif_image_handle_get_number_of_metadata_blocks(handle.get(), nullptr);
  heif_color_profile_nclx* raw_nclx = nullptr;
  if (heif_image_handle_get_nclx_color_profile(handle.get(), &raw_nclx).code == heif_error_Ok) {
    HeifNclxPtr nclx(raw_nclx);
    out.srgb_nclx = nclx->transfer_characteristics == heif_transfer_characteristic_IEC_61966_2_1;
  }
  return out;
}

VImage DecodeWebp(const std::string& bytes) {
  auto features = ReadWebpFeatures(AsBytes(bytes));
  if (!features) throw std::runtime_error(features.error().ToString());
  const int bands = features->has_alpha ? 4 : 3;
  std::vector<uint8_t> pixels(size_t(features->width) * features->height * bands);
  if (!DecodeWebpInto(AsBytes(bytes), features->has_alpha, pixels.data(), pixels.size())) {
    throw std::runtime_error("libwebp cannot decode the rendition");
  }
  return FromPixels(pixels.data(), pixels.size(), features->width, features->height, bands);
}

VImage DecodeRendition(const Rendition& r) {
  switch (r.format) {
    case OutputFormat::kAvif:
      return DecodeAvif(r.bytes).pixels;
    case OutputFormat::kWebp:
      return DecodeWebp(r.bytes);
    case OutputFormat::kJpeg:
      return testing::Decode(r.bytes);
  }
  return VImage();
}

std::vector<Rendition> RenditionsOk(const std::string& bytes, std::vector<RenditionSpec> specs,
                                    RenditionOptions options = {}) {
  auto r = MakeRenditions(AsBytes(bytes), specs, options);
  EXPECT_TRUE(r) << r.error().ToString();
  if (!r) return {};
  return std::move(*r);
}

// Each rendition decodes to the size it reports, which is `w` x `h`.
void ExpectSizes(const std::vector<Rendition>& renditions, int w, int h) {
  for (const Rendition& r : renditions) {
    EXPECT_EQ(r.width, w) << OutputFormatName(r.format) << " " << r.size;
    EXPECT_EQ(r.height, h) << OutputFormatName(r.format) << " " << r.size;
    const VImage decoded = DecodeRendition(r);
    EXPECT_EQ(decoded.width(), w) << OutputFormatName(r.format) << " " << r.size;
    EXPECT_EQ(decoded.height(), h) << OutputFormatName(r.format) << " " << r.size;
  }
}

std::vector<RenditionSpec> BothAt(int size) {
  return {{OutputFormat::kAvif, size}, {OutputFormat::kWebp, size}};
}

TEST(RenditionsTest, DefaultSpecsAreAvifAndWebpAtEverySize) {
  const std::vector<RenditionSpec> specs = DefaultRenditionSpecs();
  ASSERT_EQ(specs.size(), 8u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(specs[i].format, OutputFormat::kAvif);
    EXPECT_EQ(specs[i + 4].format, OutputFormat::kWebp);
    EXPECT_EQ(specs[i].size, kRenditionSizes[i]);
    EXPECT_EQ(specs[i + 4].size, kRenditionSizes[i]);
  }
  EXPECT_EQ(OutputFormatName(OutputFormat::kAvif), "avif");
  EXPECT_EQ(ContentType(OutputFormat::kAvif), "image/avif");
  EXPECT_EQ(FileExtension(OutputFormat::kAvif), "avif");
}

TEST(RenditionsTest, LandscapeAtTheDefaultSizes) {
  // 1200x800: 256, 512 and 1024 are downscales; 2048 would enlarge, so it is the 1200x800 itself.
  const std::string jpeg = testing::ToJpeg(testing::Textured(1200, 800), 90);
  const std::vector<Rendition> out = RenditionsOk(jpeg, DefaultRenditionSpecs());
  ASSERT_EQ(out.size(), 8u);
  const int expected[][3] = {
      {256, 256, 171}, {512, 512, 341}, {1024, 1024, 683}, {2048, 1200, 800}};
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& e = expected[i % 4];
    EXPECT_EQ(out[i].format, i < 4 ? OutputFormat::kAvif : OutputFormat::kWebp);
    EXPECT_EQ(out[i].size, e[0]);
    ExpectSizes({out[i]}, e[1], e[2]);
  }
}

TEST(RenditionsTest, Portrait) {
  const std::string png = testing::ToPng(testing::Textured(300, 600));
  const std::vector<Rendition> out = RenditionsOk(png, BothAt(256));
  ASSERT_EQ(out.size(), 2u);
  ExpectSizes(out, 128, 256);
}

TEST(RenditionsTest, ExifRotationIsApplied) {
  // Stored 300x200 with orientation 6 (turn 90 degrees clockwise): shown 200x300, and the stored
  // top-left red block ends up top-right.
  const std::string jpeg =
      testing::InsertJpegSegments(testing::ToJpeg(testing::CornerMarked(300, 200, 50), 95),
                                  testing::ExifSegment(6, /*gps=*/true));
  const std::vector<Rendition> out = RenditionsOk(jpeg, BothAt(150));
  ASSERT_EQ(out.size(), 2u);
  ExpectSizes(out, 100, 150);
  for (const Rendition& r : out) {
    const VImage img = DecodeRendition(r);
    const std::vector<double> top_right = MeanOf(img, 80, 3, 15, 15);
    EXPECT_GT(top_right[0], 180) << OutputFormatName(r.format);
    EXPECT_LT(top_right[1], 80) << OutputFormatName(r.format);
    const std::vector<double> top_left = MeanOf(img, 3, 3, 15, 15);
    EXPECT_LT(top_left[0], 180) << OutputFormatName(r.format) << " must not be red";
  }
  // Nothing of the input's EXIF (orientation, GPS) is carried over.
  const DecodedAvif avif = DecodeAvif(out[0].bytes);
  EXPECT_EQ(avif.metadata_blocks, 0);
  EXPECT_TRUE(avif.srgb_nclx);
  for (const char* marker : {"Exif", "GPS"}) {
    EXPECT_FALSE(testing::Contains(out[0].bytes, marker)) << marker;
    EXPECT_FALSE(testing::Contains(out[1].bytes, marker)) << marker;
  }
}

TEST(RenditionsTest, SizesTheImageIsTooSmallForAreSkipped) {
  // 300x200 in 256/512/1024/2048: 256x171 and 300x200 once per format, in the order asked.
  const std::string png = testing::ToPng(testing::Textured(300, 200));
  const std::vector<Rendition> out = RenditionsOk(png, DefaultRenditionSpecs());
  ASSERT_EQ(out.size(), 4u);
  const OutputFormat formats[] = {OutputFormat::kAvif, OutputFormat::kAvif, OutputFormat::kWebp,
                                  OutputFormat::kWebp};
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].format, formats[i]);
    EXPECT_EQ(out[i].size, i % 2 == 0 ? 256 : 512);
    ExpectSizes({out[i]}, i % 2 == 0 ? 256 : 300, i % 2 == 0 ? 171 : 200);
  }
}

TEST(RenditionsTest, DedupeIsPerFormatAndIgnoresSpecOrder) {
  // WebP asks only for the large box: it still gets the (unscaled) image, though AVIF had it.
  const std::string png = testing::ToPng(testing::Textured(100, 60));
  const std::vector<RenditionSpec> specs = {{OutputFormat::kAvif, 512},
                                            {OutputFormat::kAvif, 64},
                                            {OutputFormat::kAvif, 128},
                                            {OutputFormat::kWebp, 1024},
                                            {OutputFormat::kAvif, 64}};
  const std::vector<Rendition> out = RenditionsOk(png, specs);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].format, OutputFormat::kAvif);  // the 128 box took 100x60 first
  EXPECT_EQ(out[0].size, 64);
  EXPECT_EQ(out[1].size, 128);
  EXPECT_EQ(out[2].format, OutputFormat::kWebp);
  EXPECT_EQ(out[2].size, 1024);
  ExpectSizes({out[0]}, 64, 38);
  ExpectSizes({out[1], out[2]}, 100, 60);
}

TEST(RenditionsTest, AlphaIsKept) {
  // Left half transparent, right half opaque red.
  const VImage img = testing::Solid(400, 200, {0, 0, 0, 0})
                         .insert(testing::Solid(200, 200, {255, 0, 0, 255}), 200, 0);
  const std::vector<Rendition> out = RenditionsOk(testing::ToPng(img), BothAt(200));
  ASSERT_EQ(out.size(), 2u);
  for (const Rendition& r : out) {
    const VImage decoded = DecodeRendition(r);
    ASSERT_EQ(decoded.bands(), 4) << OutputFormatName(r.format);
    EXPECT_LT(MeanOf(decoded, 4, 4, 80, 92)[3], 5) << OutputFormatName(r.format);
    const std::vector<double> right = MeanOf(decoded, 112, 4, 84, 92);
    EXPECT_GT(right[3], 250) << OutputFormatName(r.format);
    EXPECT_GT(right[0], 230) << OutputFormatName(r.format);
  }
}

TEST(RenditionsTest, OpaqueInputHasNoAlpha) {
  const std::vector<Rendition> out =
      RenditionsOk(testing::ToJpeg(testing::Textured(100, 80)), BothAt(64));
  ASSERT_EQ(out.size(), 2u);
  for (const Rendition& r : out) EXPECT_EQ(DecodeRendition(r).bands(), 3);
}

TEST(RenditionsTest, JpegSpecsFlattenOntoWhite) {
  const std::string png = testing::ToPng(testing::Solid(64, 48, {0, 0, 0, 0}));
  const std::vector<Rendition> out = RenditionsOk(png, {{OutputFormat::kJpeg, 64}});
  ASSERT_EQ(out.size(), 1u);
  const VImage img = testing::Decode(out[0].bytes);
  EXPECT_EQ(img.bands(), 3);
  for (double m : MeanOf(img, 0, 0, img.width(), img.height())) EXPECT_GT(m, 250);
}

// --- errors: the same reasons as Validate ---

void ExpectRefusedLikeValidate(const std::string& bytes, const std::string& reason,
                               const Limits& limits = Limits{}) {
  RenditionOptions options;
  options.limits = limits;
  const std::vector<RenditionSpec> specs = DefaultRenditionSpecs();
  auto r = MakeRenditions(AsBytes(bytes), specs, options);
  auto v = Validate(AsBytes(bytes), limits);
  ASSERT_FALSE(v) << reason;
  ASSERT_FALSE(r) << reason;
  EXPECT_EQ(r.error().reason, reason);
  EXPECT_EQ(r.error().reason, v.error().reason);
  EXPECT_EQ(r.error().code, v.error().code);
}

TEST(RenditionsTest, BadInputIsRefusedWithValidatesReasons) {
  ExpectRefusedLikeValidate("", "empty");
  std::string padded = testing::ToPng(testing::Textured(64, 48));
  padded.resize((10u << 20) + 1, '\0');
  ExpectRefusedLikeValidate(padded, "too_large");
  ExpectRefusedLikeValidate("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "unsupported_format");
  ExpectRefusedLikeValidate(testing::PngWithDeclaredSize(10000, 5000), "too_many_pixels");
  Limits small;
  small.max_pixels = 100 * 100;
  ExpectRefusedLikeValidate(testing::ToPng(testing::Textured(101, 100)), "too_many_pixels", small);
  const std::string jpeg = testing::ToJpeg(testing::Textured(400, 300));
  ExpectRefusedLikeValidate(jpeg.substr(0, jpeg.size() / 2), "corrupt");
  const std::string png = testing::ToPng(testing::Textured(400, 300));
  ExpectRefusedLikeValidate(png.substr(0, png.size() / 2), "corrupt");
}

TEST(RenditionsTest, BadOptionsAreRefused) {
  const std::string png = testing::ToPng(testing::Textured(64, 48));
  auto expect_bad = [&](std::vector<RenditionSpec> specs, RenditionOptions o) {
    auto r = MakeRenditions(AsBytes(png), specs, o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, "bad_option");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  };
  expect_bad({}, {});
  expect_bad({{OutputFormat::kAvif, 15}}, {});
  expect_bad({{OutputFormat::kWebp, 16385}}, {});
  expect_bad(BothAt(64), {.avif_speed = 10});
  expect_bad(BothAt(64), {.avif_threads = 0});
  // Optimize writes JPEG and WebP only; AVIF is a rendition.
  OptimizeOptions avif;
  avif.format = OutputFormat::kAvif;
  auto optimized = Optimize(AsBytes(png), avif);
  ASSERT_FALSE(optimized);
  EXPECT_EQ(optimized.error().reason, "bad_option");
  EXPECT_FALSE(ParseOutputFormat("avif"));
}

// --- fidelity ---

// PSNR (dB) of `test` against `reference` over the RGB bands.
double Psnr(const VImage& test, const VImage& reference) {
  const VImage a = test.extract_band(0, VImage::option()->set("n", 3)).cast(VIPS_FORMAT_FLOAT);
  const VImage b = reference.extract_band(0, VImage::option()->set("n", 3)).cast(VIPS_FORMAT_FLOAT);
  const double mse = ((a - b) * (a - b)).avg();
  return mse <= 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

// A photo-like picture: smooth fields plus blurred detail, no pixel-level XOR pattern.
VImage PhotoLike(int w, int h) {
  const VImage xy = VImage::xyz(w, h);
  const VImage x = xy[0], y = xy[1];
  const VImage r = (x * 255.0 / w);
  const VImage g = (y * 255.0 / h);
  const VImage b = ((x + y) * 0.05).sin() * 60 + 128;  // sin() takes degrees in libvips
  return r.bandjoin(g)
      .bandjoin(b)
      .add(testing::Textured(w, h).gaussblur(2.0).linear(0.3, -38))
      .cast(VIPS_FORMAT_UCHAR)
      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

// On this picture, when the presets were chosen (dB, 256 / 512 px): JPEG high 39.6 / 43.6,
// medium 32.1 / 36.1, low 31.3 / 35.0; AVIF and WebP within a few tenths of those or above,
// except WebP high (35.3 / 40.7: lossy WebP is 4:2:0 only, JPEG q95 is 4:4:4).
constexpr double kPsnrFloor = 30.0;
constexpr double kPsnrBelowJpeg = 1.0;
constexpr double kPsnrBelowJpegWebpHigh = 5.0;

TEST(RenditionsTest, EachRenditionIsCloseToAReferenceDownscale) {
  const VImage original = PhotoLike(1024, 768).copy_memory();
  const std::string png = testing::ToPng(original);
  // The reference: the pipeline's own fitted pixels, before any encoder saw them.
  std::map<int, VImage> references;
  ASSERT_TRUE(ForEachFitted(
      AsBytes(png), std::vector<int>{256, 512}, Limits{}, [&](int box, const PixelView& p) {
        references[box] = FromPixels(p.data, p.stride * p.height, p.width, p.height, p.bands);
        return Ok();
      }));
  // and an independent downscale of the original, to check the fit itself
  for (auto& [box, reference] : references) {
    const VImage resized = original.resize(double(reference.width()) / original.width(),
                                           VImage::option()->set("kernel", VIPS_KERNEL_LANCZOS3));
    EXPECT_GT(Psnr(reference, resized), 40.0) << box;
  }
  const std::vector<RenditionSpec> specs = {{OutputFormat::kAvif, 256}, {OutputFormat::kAvif, 512},
                                            {OutputFormat::kWebp, 256}, {OutputFormat::kWebp, 512},
                                            {OutputFormat::kJpeg, 256}, {OutputFormat::kJpeg, 512}};
  // PSNR per (quality, format, size): each above a floor, and no worse than the JPEG of the same
  // preset by more than a margin (the presets are chosen to match JPEG's SSIM;
  // docs/performance.md), so a preset or encoder setting that loses fidelity fails here.
  std::map<std::tuple<Quality, OutputFormat, int>, double> psnr;
  for (const Quality q : {Quality::kHigh, Quality::kMedium, Quality::kLow}) {
    const std::vector<Rendition> out = RenditionsOk(png, specs, {.quality = q});
    ASSERT_EQ(out.size(), specs.size());
    for (const Rendition& r : out) {
      psnr[std::make_tuple(q, r.format, r.size)] = Psnr(DecodeRendition(r), references[r.size]);
    }
  }
  for (const auto& [key, value] : psnr) {
    const auto [q, format, size] = key;
    const std::string what = std::string(QualityName(q)) + " " +
                             std::string(OutputFormatName(format)) + " " + std::to_string(size);
    EXPECT_GT(value, kPsnrFloor) << what;
    const double jpeg = psnr[std::make_tuple(q, OutputFormat::kJpeg, size)];
    const bool webp_high = format == OutputFormat::kWebp && q == Quality::kHigh;
    EXPECT_GT(value, jpeg - (webp_high ? kPsnrBelowJpegWebpHigh : kPsnrBelowJpeg)) << what;
    if (q == Quality::kHigh) {
      const double low = psnr[std::make_tuple(Quality::kLow, format, size)];
      EXPECT_GT(value, low) << what << " must beat low";
    }
  }
}

}  // namespace
}  // namespace noisett::image
