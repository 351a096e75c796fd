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
  return f == OutputFormat::kWebp ? "webp" : "jpeg";
}

std::string_view ContentType(OutputFormat f) {
  return f == OutputFormat::kWebp ? "image/webp" : "image/jpeg";
}

std::string_view FileExtension(OutputFormat f) { return f == OutputFormat::kWebp ? "webp" : "jpg"; }

std::string_view QualityName(Quality q) {
  switch (q) {
    case Quality::kHigh: return "high";
    case Quality::kMedium: return "medium";
    case Quality::kLow: return "low";
  }
  return "medium";
}

int EncoderQuality(Quality q, OutputFormat f) {
  const bool webp = f == OutputFormat::kWebp;
  switch (q) {
    case Quality::kHigh: return webp ? 90 : 95;
    case Quality::kMedium: return webp ? 80 : 85;
    case Quality::kLow: return webp ? 70 : 75;
  }
  return webp ? 80 : 85;
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
