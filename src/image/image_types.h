// Plain value types shared by the image pipeline and its callers: formats, quality presets,
// limits, options and results. No libvips here, so callers never pull vips headers in.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::image {

using Bytes = std::span<const uint8_t>;

inline Bytes AsBytes(std::string_view s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Formats accepted as input, decided from the bytes alone.
enum class Format { kPng, kJpeg, kWebp };
// Formats we write. AVIF is written only as a rendition (renditions.h): Optimize refuses it, and
// so does ParseOutputFormat, because one AVIF encode costs more than the whole JPEG job.
enum class OutputFormat { kJpeg, kWebp, kAvif };
// Presets, as encoder quality factors (EncoderQuality). JPEG's are the reference; WebP's and
// AVIF's are the lowest that kept SSIM within 0.005 of the JPEG's at every rendition size
// (docs/performance.md "Renditions: encoder choice"; WebP 100 is the nearest lossy WebP gets to
// JPEG q95, which it misses on generated 256-512 px tiles):
//   HIGH = JPEG 95 / WebP 100 / AVIF 85 (4:4:4), MEDIUM = JPEG 85 / WebP 85 / AVIF 65,
//   LOW = JPEG 75 / WebP 80 / AVIF 55.
enum class Quality { kHigh, kMedium, kLow };

std::string_view FormatName(Format f);            // "png", "jpeg", "webp"
std::string_view OutputFormatName(OutputFormat f);  // "jpeg", "webp", "avif"
std::string_view ContentType(OutputFormat f);       // "image/jpeg", "image/webp", "image/avif"
std::string_view FileExtension(OutputFormat f);     // "jpg", "webp", "avif"
std::string_view QualityName(Quality q);            // "high", "medium", "low"
int EncoderQuality(Quality q, OutputFormat f);      // the Q factor of a preset
Result<Quality> ParseQuality(std::string_view s);
// "jpeg" (or "jpg") and "webp": the formats Optimize writes; "avif" is refused (bad_option).
Result<OutputFormat> ParseOutputFormat(std::string_view s);

inline constexpr uint64_t kDefaultMaxUploadBytes = 10ull << 20;  // 10 MiB
inline constexpr uint64_t kDefaultMaxPixels = 40'000'000;        // 40 megapixels

struct Limits {
  uint64_t max_bytes = kDefaultMaxUploadBytes;  // NOISETT_MAX_UPLOAD_BYTES
  uint64_t max_pixels = kDefaultMaxPixels;      // NOISETT_MAX_PIXELS
};

// What the header says, checked against the limits.
struct ImageInfo {
  Format format = Format::kPng;
  int width = 0;
  int height = 0;
  bool has_alpha = false;
};

struct OptimizeOptions {
  Quality quality = Quality::kMedium;
  OutputFormat format = OutputFormat::kJpeg;
  int max_dimension = 2048;  // the full image fits inside this square; never enlarged
  int thumb_size = 256;      // the thumbnail fits inside this square; never enlarged
  Limits limits;
};

struct EncodedImage {
  std::string bytes;
  int width = 0;
  int height = 0;
  OutputFormat format = OutputFormat::kJpeg;
  std::string thumbhash;  // thumbnails only: the ThumbHash of these pixels (thumbhash.h), raw
};

struct WebImageMetadata {
  uint64_t original_size_bytes = 0;
  uint64_t optimized_size_bytes = 0;
  uint64_t thumbnail_size_bytes = 0;
  double compression_ratio = 0;  // optimized / original, rounded to 2 decimals
  int original_width = 0;
  int original_height = 0;  // as stored, before EXIF rotation
  int width = 0;            // the optimized image's, upright (after EXIF rotation)
  int height = 0;
  int thumbnail_width = 0;
  int thumbnail_height = 0;
  Format source_format = Format::kPng;
  OutputFormat format = OutputFormat::kJpeg;
  bool has_alpha = false;  // of the input
};

struct WebImage {
  EncodedImage optimized;
  EncodedImage thumbnail;
  WebImageMetadata metadata;
};

}  // namespace noisett::image
