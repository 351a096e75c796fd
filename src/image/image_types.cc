// Names, parsers and presets for the image value types.
#include "image/image_types.h"

namespace noisett::image {

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kPng: return "png";
    case Format::kJpeg: return "jpeg";
    case Format::kWebp: return "webp";
  }
  return "png";
}

std::string_view OutputFormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kJpeg: return "jpeg";
    case OutputFormat::kWebp: return "webp";
    case OutputFormat::kAvif: return "avif";
  }
  return "jpeg";
}

std::string_view ContentType(OutputFormat f) {
  switch (f) {
    case OutputFormat::kJpeg: return "image/jpeg";
    case OutputFormat::kWebp: return "image/webp";
    case OutputFormat::kAvif: return "image/avif";
  }
  return "image/jpeg";
}

std::string_view FileExtension(OutputFormat f) {
  switch (f) {
    case OutputFormat::kJpeg: return "jpg";
    case OutputFormat::kWebp: return "webp";
    case OutputFormat::kAvif: return "avif";
  }
  return "jpg";
}

std::string_view QualityName(Quality q) {
  switch (q) {
    case Quality::kHigh: return "high";
    case Quality::kMedium: return "medium";
    case Quality::kLow: return "low";
  }
  return "medium";
}

int EncoderQuality(Quality q, OutputFormat f) {
  // Rows: high, medium, low. AVIF is libheif's 0..100 quality for libaom (renditions.h).
  static constexpr int kJpeg[] = {95, 85, 75};
  static constexpr int kWebp[] = {100, 85, 80};
  static constexpr int kAvif[] = {85, 65, 55};
  const int row = q == Quality::kHigh ? 0 : q == Quality::kLow ? 2 : 1;
  switch (f) {
    case OutputFormat::kJpeg: return kJpeg[row];
    case OutputFormat::kWebp: return kWebp[row];
    case OutputFormat::kAvif: return kAvif[row];
  }
  return kJpeg[row];
}

Result<Quality> ParseQuality(std::string_view s) {
  if (s == "high") return Quality::kHigh;
  if (s == "medium") return Quality::kMedium;
  if (s == "low") return Quality::kLow;
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option",
                              "quality must be high, medium or low, got '" + std::string(s) + "'"));
}

Result<OutputFormat> ParseOutputFormat(std::string_view s) {
  if (s == "jpeg" || s == "jpg") return OutputFormat::kJpeg;
  if (s == "webp") return OutputFormat::kWebp;
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option",
                              "format must be jpeg or webp, got '" + std::string(s) + "'"));
}

}  // namespace noisett::image
