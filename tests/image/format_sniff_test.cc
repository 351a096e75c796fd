// Magic-byte sniffing, header-only dimensions and the pre-decode checks, on hand-built headers
// (exact values, edge cases) and on real files written by libvips (the layouts encoders produce).
#include "image/format_sniff.h"

#include <gtest/gtest.h>

#include <string>

#include "image/test_images.h"

namespace noisett::image {
namespace {

using namespace std::string_literals;
using testing::PngWithDeclaredSize;

std::string Raw(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(char(b));
  return s;
}

void PutLe16(std::string& s, uint32_t v) {
  s.push_back(char(v & 0xFF));
  s.push_back(char((v >> 8) & 0xFF));
}
void PutLe24(std::string& s, uint32_t v) {
  PutLe16(s, v & 0xFFFF);
  s.push_back(char((v >> 16) & 0xFF));
}
void PutLe32(std::string& s, uint32_t v) {
  PutLe16(s, v & 0xFFFF);
  PutLe16(s, v >> 16);
}

// "RIFF" size "WEBP" fourcc chunk-size, followed by `payload` (the chunk's first bytes).
std::string WebpWith(const std::string& fourcc, const std::string& payload) {
  std::string s = "RIFF";
  PutLe32(s, uint32_t(4 + 8 + payload.size()));
  s += "WEBP" + fourcc;
  PutLe32(s, uint32_t(payload.size()));
  s += payload;
  return s;
}

std::string Vp8Header(uint32_t width_field, uint32_t height_field) {
  std::string p = Raw({0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A});  // key frame tag, start code
  PutLe16(p, width_field);
  PutLe16(p, height_field);
  p += std::string(10, '\0');
  return WebpWith("VP8 ", p);
}

std::string Vp8lHeader(uint32_t width, uint32_t height) {
  std::string p = Raw({0x2F});
  PutLe32(p, (width - 1) | ((height - 1) << 14));
  p += std::string(10, '\0');
  return WebpWith("VP8L", p);
}

std::string Vp8xHeader(uint32_t width, uint32_t height) {
  std::string p = Raw({0x10, 0, 0, 0});  // flags: alpha
  PutLe24(p, width - 1);
  PutLe24(p, height - 1);
  return WebpWith("VP8X", p);
}

// SOI, optional extra segments, SOF0 declaring width x height, and nothing after.
std::string JpegHeader(uint32_t width, uint32_t height, const std::string& before_sof = "") {
  std::string s = Raw({0xFF, 0xD8}) + before_sof;
  s += Raw({0xFF, 0xC0, 0x00, 0x11, 0x08});
  s += Raw({int(height >> 8), int(height & 0xFF), int(width >> 8), int(width & 0xFF)});
  s += Raw({0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01});
  return s;
}

HeaderSize ExpectSize(const std::string& bytes, Format format, uint32_t w, uint32_t h) {
  auto r = ReadHeaderSize(AsBytes(bytes));
  EXPECT_TRUE(r) << r.error().ToString();
  if (!r) return {};
  EXPECT_EQ(r->format, format);
  EXPECT_EQ(r->width, w);
  EXPECT_EQ(r->height, h);
  return *r;
}

void ExpectReason(const std::string& bytes, const std::string& reason) {
  auto r = ReadHeaderSize(AsBytes(bytes));
  ASSERT_FALSE(r) << "accepted as " << r->width << "x" << r->height;
  EXPECT_EQ(r.error().reason, reason) << r.error().ToString();
}

// --- SniffFormat ---

TEST(SniffFormatTest, RecognisesMagicBytes) {
  EXPECT_EQ(SniffFormat(AsBytes("\x89PNG\r\n\x1a\n")), Format::kPng);
  EXPECT_EQ(SniffFormat(AsBytes(Raw({0xFF, 0xD8, 0xFF}))), Format::kJpeg);
  EXPECT_EQ(SniffFormat(AsBytes("RIFF\x10\0\0\0WEBP"s)), Format::kWebp);
}

TEST(SniffFormatTest, RecognisesRealFiles) {
  const auto img = testing::Textured(32, 24);
  EXPECT_EQ(SniffFormat(AsBytes(testing::ToPng(img))), Format::kPng);
  EXPECT_EQ(SniffFormat(AsBytes(testing::ToJpeg(img))), Format::kJpeg);
  EXPECT_EQ(SniffFormat(AsBytes(testing::ToWebp(img))), Format::kWebp);
  EXPECT_EQ(SniffFormat(AsBytes(testing::ToWebp(img, /*lossless=*/true))), Format::kWebp);
}

TEST(SniffFormatTest, RefusesOtherFormats) {
  const std::string refused[] = {
      "GIF87a\x01\0\x01\0"s,
      "GIF89a\x01\0\x01\0\x80\0\0"s,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
      "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
      std::string("II*\0\x08\0\0\0", 8),  // TIFF, little-endian
      std::string("MM\0*\0\0\0\x08", 8),  // TIFF, big-endian
      std::string("\0\0\0\x18"
                  "ftypheic\0\0\0\0mif1heic",
                  24),  // HEIC
      std::string("\0\0\0\x1c"
                  "ftypavif\0\0\0\0avifmif1miaf",
                  28),  // AVIF
      "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n",
      "BM\x36\0\0\0\0\0\0\0"s,  // BMP
      "hello, world\n",
      "RIFF\x10\0\0\0WAVEfmt "s,   // RIFF, but not WebP
      "\x89PNG\r\n\x1a",           // PNG signature cut short
      std::string("\xFF\xD8", 2),  // JPEG SOI without a marker after it
      "",
  };
  for (const std::string& bytes : refused) {
    EXPECT_FALSE(SniffFormat(AsBytes(bytes)).has_value()) << "'" << bytes << "'";
  }
}

// --- ReadHeaderSize ---

TEST(ReadHeaderSizeTest, Png) {
  ExpectSize(PngWithDeclaredSize(100, 80), Format::kPng, 100, 80);
  ExpectSize(PngWithDeclaredSize(100000, 100000), Format::kPng, 100000, 100000);
  ExpectSize(PngWithDeclaredSize(0xFFFFFFFF, 1), Format::kPng, 0xFFFFFFFF, 1);
  ExpectSize(testing::ToPng(testing::Textured(123, 45)), Format::kPng, 123, 45);
}

TEST(ReadHeaderSizeTest, Jpeg) {
  ExpectSize(JpegHeader(300, 200), Format::kJpeg, 300, 200);
  ExpectSize(JpegHeader(65535, 1), Format::kJpeg, 65535, 1);
  ExpectSize(testing::ToJpeg(testing::Textured(123, 45)), Format::kJpeg, 123, 45);
}

TEST(ReadHeaderSizeTest, JpegSkipsSegmentsBeforeTheFrame) {
  // EXIF, XMP and a comment before the frame header, as cameras write them.
  const std::string with_metadata = testing::InsertJpegSegments(
      testing::ToJpeg(testing::Textured(123, 45)),
      testing::ExifSegment(6, true) + testing::XmpSegment() + testing::CommentSegment("hi"));
  ExpectSize(with_metadata, Format::kJpeg, 123, 45);
  // DHT (C4) lies inside the SOF range but is not a frame header.
  const std::string dht = Raw({0xFF, 0xC4, 0x00, 0x05, 0x00, 0x01, 0x02});
  ExpectSize(JpegHeader(64, 32, dht), Format::kJpeg, 64, 32);
  // Fill bytes (extra 0xFF) before a marker are allowed.
  ExpectSize(JpegHeader(64, 32, Raw({0xFF, 0xFF, 0xFE, 0x00, 0x03, 'x'})), Format::kJpeg, 64, 32);
}

TEST(ReadHeaderSizeTest, JpegSkipsStrayBytesBetweenSegmentsAsLibjpegDoes) {
  // libjpeg warns "3 extraneous bytes before marker 0xc0" and decodes (issue 24). (Right after
  // SOI the file would not even sniff as JPEG, for us as for browsers: FF D8 FF is the magic.)
  const std::string comment = Raw({0xFF, 0xFE, 0x00, 0x03, 'x'});
  ExpectSize(JpegHeader(64, 32, comment + Raw({0x00, 0x13, 0x37})), Format::kJpeg, 64, 32);
  // A stuffed 0xFF 0x00 outside entropy-coded data is stray data too.
  ExpectSize(JpegHeader(64, 32, comment + Raw({0xFF, 0x00, 0x42})), Format::kJpeg, 64, 32);
  ExpectSize(JpegHeader(64, 32, comment + Raw({0x7F}) + comment), Format::kJpeg, 64, 32);
}

TEST(ReadHeaderSizeTest, JpegWithOtherThanEightBitSamplesIsUnsupported) {
  for (int precision : {12, 16}) {
    std::string jpeg = JpegHeader(64, 32);
    jpeg[6] = char(precision);  // SOF0's precision byte
    ExpectReason(jpeg, "unsupported_format");
  }
}

TEST(ReadHeaderSizeTest, ProgressiveJpeg) {
  VipsBlob* blob = testing::Textured(77, 33).jpegsave_buffer(
      vips::VImage::option()->set("interlace", true)->set("strip", true));
  size_t size = 0;
  const void* data = vips_blob_get(blob, &size);
  const std::string jpeg(static_cast<const char*>(data), size);
  vips_area_unref(VIPS_AREA(blob));
  ASSERT_TRUE(testing::Contains(jpeg, Raw({0xFF, 0xC2}))) << "expected an SOF2 frame";
  ExpectSize(jpeg, Format::kJpeg, 77, 33);
}

TEST(ReadHeaderSizeTest, WebpLossyVp8) {
  ExpectSize(Vp8Header(300, 200), Format::kWebp, 300, 200);
  // The top two bits of each field are a scaling hint, not part of the size.
  ExpectSize(Vp8Header(0xC000 | 300, 0x4000 | 200), Format::kWebp, 300, 200);
  ExpectSize(Vp8Header(16383, 16383), Format::kWebp, 16383, 16383);
  const std::string real = testing::ToWebp(testing::Textured(123, 45));
  ASSERT_EQ(real.substr(12, 4), "VP8 ");
  ExpectSize(real, Format::kWebp, 123, 45);
}

TEST(ReadHeaderSizeTest, WebpLosslessVp8l) {
  ExpectSize(Vp8lHeader(1, 1), Format::kWebp, 1, 1);
  ExpectSize(Vp8lHeader(300, 200), Format::kWebp, 300, 200);
  ExpectSize(Vp8lHeader(16384, 16384), Format::kWebp, 16384, 16384);
  const std::string real = testing::ToWebp(testing::Textured(123, 45), /*lossless=*/true);
  ASSERT_EQ(real.substr(12, 4), "VP8L");
  ExpectSize(real, Format::kWebp, 123, 45);
}

TEST(ReadHeaderSizeTest, WebpExtendedVp8x) {
  ExpectSize(Vp8xHeader(300, 200), Format::kWebp, 300, 200);
  ExpectSize(Vp8xHeader(1u << 24, 1), Format::kWebp, 1u << 24, 1);
  // Lossy with alpha makes libwebp write the extended layout.
  const std::string real = testing::ToWebp(testing::Solid(123, 45, {10, 20, 30, 128}));
  ASSERT_EQ(real.substr(12, 4), "VP8X");
  ExpectSize(real, Format::kWebp, 123, 45);
}

TEST(ReadHeaderSizeTest, UnsupportedFormats) {
  ExpectReason("GIF89a\x01\0\x01\0\x80\0\0"s, "unsupported_format");
  ExpectReason("<svg/>", "unsupported_format");
  ExpectReason(std::string("II*\0\x08\0\0\0", 8), "unsupported_format");
  ExpectReason("%PDF-1.4", "unsupported_format");
  auto r = ReadHeaderSize(AsBytes("plain text"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
}

TEST(ReadHeaderSizeTest, CorruptPng) {
  const std::string sig = "\x89PNG\r\n\x1a\n";
  ExpectReason(sig, "corrupt");
  ExpectReason(PngWithDeclaredSize(100, 80).substr(0, 23), "corrupt");  // IHDR cut short
  std::string not_ihdr = PngWithDeclaredSize(100, 80);
  not_ihdr.replace(12, 4, "IDAT");
  ExpectReason(not_ihdr, "corrupt");
  ExpectReason(sig + std::string(64, 'z'), "corrupt");  // garbage after the signature
  auto r = ReadHeaderSize(AsBytes(sig));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(ReadHeaderSizeTest, CorruptJpeg) {
  const std::string soi = Raw({0xFF, 0xD8});
  ExpectReason(soi + Raw({0xFF, 0xD9}), "corrupt");                           // EOI, no frame
  ExpectReason(soi + Raw({0xFF, 0xDA, 0x00, 0x08}) + "12345678", "corrupt");  // SOS, no frame
  ExpectReason(soi + Raw({0xFF, 0xE0, 0x00, 0x00}), "corrupt");               // length < 2
  ExpectReason(soi + Raw({0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0,    1,
                          1,    0,    0,    1,    0,   1,   0,   0,   0x12, 0x34}),
               "corrupt");  // stray bytes where the next segment should start, then the end
  ExpectReason(JpegHeader(300, 200).substr(0, 8), "corrupt");             // SOF cut short
  ExpectReason(soi + Raw({0xFF, 0xE1, 0x40, 0x00}) + "Exif", "corrupt");  // segment past the end
  ExpectReason(soi + Raw({0xFF}) + std::string(40, 'g'), "corrupt");      // garbage after the magic
}

TEST(ReadHeaderSizeTest, CorruptWebp) {
  ExpectReason("RIFF\x10\0\0\0WEBPVP8 "s, "corrupt");  // too short for any header
  std::string bad_start = Vp8Header(300, 200);
  bad_start[23] = 0;
  ExpectReason(bad_start, "corrupt");
  std::string bad_signature = Vp8lHeader(300, 200);
  bad_signature[20] = 0x2E;
  ExpectReason(bad_signature, "corrupt");
  ExpectReason(WebpWith("VP8Z", std::string(20, '\0')), "corrupt");
  ExpectReason(WebpWith("ALPH", std::string(20, 'g')), "corrupt");
  ExpectReason(Vp8lHeader(300, 200).substr(0, 24), "corrupt");  // VP8L size cut short
  ExpectReason(Vp8xHeader(300, 200).substr(0, 29), "corrupt");  // VP8X canvas cut short
}

TEST(ReadHeaderSizeTest, LosslessWebpNeedsOnlyItsOwnHeader) {
  // 25 bytes hold a VP8L header; a whole single-colour lossless file can be 28 (issue 24).
  ExpectSize(Vp8lHeader(64, 48).substr(0, 25), Format::kWebp, 64, 48);
}

TEST(ReadHeaderSizeTest, ZeroDimensionIsCorrupt) {
  ExpectReason(PngWithDeclaredSize(0, 80), "corrupt");
  ExpectReason(PngWithDeclaredSize(100, 0), "corrupt");
  ExpectReason(JpegHeader(0, 200), "corrupt");
  ExpectReason(JpegHeader(300, 0), "corrupt");
  ExpectReason(Vp8Header(0, 200), "corrupt");
  ExpectReason(Vp8Header(0xC000, 200), "corrupt");  // scale bits only, width 0
}

// --- CheckByteSize / CheckHeader ---

TEST(CheckByteSizeTest, EmptyAndTooLarge) {
  const Limits limits;  // 10 MiB
  auto empty = CheckByteSize(0, limits);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().reason, "empty");
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);

  EXPECT_TRUE(CheckByteSize(1, limits));
  EXPECT_TRUE(CheckByteSize(10ull << 20, limits));

  auto large = CheckByteSize((10ull << 20) + 1, limits);
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().reason, "too_large");
  EXPECT_EQ(large.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(large.error().message.find("10485761"), std::string::npos) << large.error().message;
  EXPECT_NE(large.error().message.find("10485760"), std::string::npos) << large.error().message;
}

TEST(CheckByteSizeTest, HonoursTheConfiguredLimit) {
  Limits limits;
  limits.max_bytes = 100;
  EXPECT_TRUE(CheckByteSize(100, limits));
  auto r = CheckByteSize(101, limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "too_large");
}

TEST(CheckHeaderTest, ReasonsInOrder) {
  Limits limits;
  limits.max_bytes = 64;
  // Size is checked before format, format before pixels.
  auto empty = CheckHeader(Bytes(), limits);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().reason, "empty");

  auto large = CheckHeader(AsBytes(std::string(65, 'x')), limits);
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().reason, "too_large");

  auto text = CheckHeader(AsBytes(std::string(64, 'x')), limits);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().reason, "unsupported_format");

  limits.max_bytes = 1 << 20;
  auto corrupt = CheckHeader(AsBytes("\x89PNG\r\n\x1a\n"), limits);
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().reason, "corrupt");

  auto bomb = CheckHeader(AsBytes(PngWithDeclaredSize(100000, 100000)), limits);
  ASSERT_FALSE(bomb);
  EXPECT_EQ(bomb.error().reason, "too_many_pixels");
  EXPECT_EQ(bomb.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(bomb.error().message.find("100000x100000"), std::string::npos) << bomb.error().message;
}

TEST(CheckHeaderTest, PixelLimitBoundary) {
  const std::string png = PngWithDeclaredSize(100, 80);  // 8000 pixels
  Limits limits;
  limits.max_pixels = 8000;
  auto at = CheckHeader(AsBytes(png), limits);
  ASSERT_TRUE(at) << at.error().ToString();
  EXPECT_EQ(at->width, 100u);
  EXPECT_EQ(at->height, 80u);
  limits.max_pixels = 7999;
  auto over = CheckHeader(AsBytes(png), limits);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().reason, "too_many_pixels");
}

TEST(CheckHeaderTest, RaisedPixelLimitAdmitsLargeHeaders) {
  Limits limits;
  limits.max_pixels = 10'000'000'000ull;
  auto r = CheckHeader(AsBytes(PngWithDeclaredSize(100000, 100000)), limits);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->width, 100000u);
}

TEST(CheckHeaderTest, PixelCountDoesNotOverflow) {
  // 0xFFFFFFFF squared overflows 32 bits but not 64: must still be counted as huge.
  Limits limits;
  limits.max_pixels = 1ull << 62;
  auto r = CheckHeader(AsBytes(PngWithDeclaredSize(0xFFFFFFFF, 0xFFFFFFFF)), limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "too_many_pixels");
}

TEST(CheckHeaderTest, ByteBoundaryAtDefaultLimit) {
  // A valid header padded to exactly 10 MiB passes the size check; one more byte does not.
  std::string bytes = PngWithDeclaredSize(100, 80);
  bytes.resize(10u << 20, '\0');
  auto at = CheckHeader(AsBytes(bytes), Limits{});
  EXPECT_TRUE(at) << at.error().ToString();
  bytes.push_back('\0');
  auto over = CheckHeader(AsBytes(bytes), Limits{});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().reason, "too_large");
}

}  // namespace
}  // namespace noisett::image
