// Test images made at run time: deterministic pictures drawn with libvips and encoded to PNG, JPEG
// or WebP buffers, hand-built headers (a PNG that declares any size in a few hundred bytes, EXIF
// and XMP segments spliced into JPEGs, eXIf chunks into PNGs), and decoding helpers for checking
// what the pipeline wrote. Test-only: it exposes vips::VImage so suites can inspect pixels.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <vips/vips8>

namespace noisett::testing {

// Starts vips the way the pipeline does (InitPipeline), so helpers and code under test agree.
void InitVips();

// A w x h 3-band uchar picture with fine, deterministic texture (XOR and product patterns), so
// encoders have detail to lose and quality presets give different sizes.
vips::VImage Textured(int w, int h);

// A w x h image filled with `pixel` (its size is the band count: 3 = RGB, 4 = RGBA).
vips::VImage Solid(int w, int h, const std::vector<double>& pixel);

// A grey w x h RGB image with a red block in the top-left corner and a blue block in the
// bottom-right corner, each `block` pixels square. For orientation checks.
vips::VImage CornerMarked(int w, int h, int block);

// Encoders, all without metadata so callers control it. PNG uses fast compression. WebP comes
// from libwebp's simple API: VP8 (lossy RGB), VP8L (lossless) or VP8X + ALPH (lossy RGBA).
std::string ToPng(const vips::VImage& img);
std::string ToJpeg(const vips::VImage& img, int quality = 90);
std::string ToWebp(const vips::VImage& img, bool lossless = false, int quality = 80);

// Decodes `bytes` (any of PNG/JPEG/WebP) fully into memory; the result does not borrow `bytes`.
vips::VImage Decode(const std::string& bytes);

// Mean of each band over the rectangle.
std::vector<double> MeanOf(const vips::VImage& img, int left, int top, int width, int height);

// Names of every metadata field vips reports for the image ("exif-ifd3-GPSLatitude", ...).
std::vector<std::string> FieldNames(const vips::VImage& img);

// Inserts raw JPEG marker segments right after SOI (and after a JFIF APP0, if present).
std::string InsertJpegSegments(const std::string& jpeg, const std::string& segments);

// A big-endian TIFF/EXIF block: IFD0 with Orientation = `orientation`, and when `gps` is set a
// GPS IFD (version, latitude N 48/51/29.04, longitude E 2/17/40.00).
std::string ExifTiff(int orientation, bool gps);
// The same as a JPEG APP1 "Exif" segment.
std::string ExifSegment(int orientation, bool gps);
// Rewraps a simple-layout (VP8 or VP8L) WebP as VP8X with an EXIF chunk holding `tiff`.
std::string WebpWithExif(const std::string& simple_webp, std::string_view tiff);
// Inserts a chunk (with its CRC) into a PNG right before the first IDAT.
std::string InsertPngChunk(const std::string& png, std::string_view type, std::string_view data);
// APP1 XMP packet that mentions a GPS position.
std::string XmpSegment();
// COM segment carrying `text`.
std::string CommentSegment(std::string_view text);

// A PNG whose IHDR declares width x height (8-bit grey) with valid CRCs, followed by an IDAT that
// holds only `idat_payload` bytes of a zlib stream (not enough for the declared image) and IEND.
// A few hundred bytes however large the declared size.
std::string PngWithDeclaredSize(uint32_t width, uint32_t height, size_t idat_payload = 256);

// The standard CRC-32 used by PNG chunks.
uint32_t Crc32(std::string_view data);

// True when `needle` occurs in `haystack`.
bool Contains(std::string_view haystack, std::string_view needle);

// Every field of image::ToJson(WebImageMetadata), as the CLI prints it too.
inline constexpr const char* kMetadataFields[] = {
    "original_size_bytes", "optimized_size_bytes", "thumbnail_size_bytes", "compression_ratio",
    "original_width",      "original_height",      "width",                "height",
    "thumbnail_width",     "thumbnail_height",     "source_format",        "format",
    "content_type",        "thumbnail_content_type", "has_alpha",
};

}  // namespace noisett::testing
