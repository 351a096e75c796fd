// libFuzzer target over the image pipeline's handling of untrusted bytes: format sniffing and the
// header check, Validate (full decode, fail on error) and OptimizeForWeb (what an upload runs: the
// direct libpng / libwebp decoders or libvips' loaders, resize, encode). The first input byte
// picks the step and the output format; the rest is the file. Limits are small (64 KiB, 256 x 256
// pixels, 64 px outputs) so each run takes milliseconds and the limit checks are reached often.
// Checked: whatever Validate or OptimizeForWeb accepts is the sniffed format with the header's
// size inside the pixel limit, and OptimizeForWeb's outputs fit their boxes and validate
// themselves, in the format asked for.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "image/format_sniff.h"
#include "image/pipeline.h"

namespace {

using namespace noisett::image;  // NOLINT: a .cc file, not a header
using noisett::Result;

constexpr int kMaxDimension = 64;
constexpr int kThumbSize = 32;

Limits SmallLimits() {
  Limits limits;
  limits.max_bytes = 64 * 1024;
  limits.max_pixels = 256 * 256;
  return limits;
}

bool KnownReason(const std::string& reason) {
  return reason == "empty" || reason == "too_large" || reason == "unsupported_format" ||
         reason == "too_many_pixels" || reason == "corrupt";
}

// Validate's answer, checked against the header reading it starts from.
Result<ImageInfo> CheckedValidate(Bytes bytes, const Limits& limits) {
  auto info = Validate(bytes, limits);
  if (!info) {
    if (!KnownReason(info.error().reason)) std::abort();
    return info;
  }
  auto header = CheckHeader(bytes, limits);
  if (!header || SniffFormat(bytes) != info->format || header->format != info->format) {
    std::abort();
  }
  if (info->width <= 0 || info->height <= 0 ||
      uint64_t(info->width) * uint64_t(info->height) > limits.max_pixels) {
    std::abort();
  }
  if (uint32_t(info->width) != header->width || uint32_t(info->height) != header->height) {
    std::abort();  // the decoder saw another size than the one the bomb check was made on
  }
  return info;
}

void CheckOutput(const EncodedImage& out, int box, OutputFormat format, const Limits& limits) {
  if (out.bytes.empty() || out.format != format || out.width <= 0 || out.height <= 0 ||
      out.width > box || out.height > box) {
    std::abort();
  }
  auto info = Validate(AsBytes(out.bytes), limits);
  if (!info || info->width != out.width || info->height != out.height) std::abort();
  const Format expected = format == OutputFormat::kJpeg ? Format::kJpeg : Format::kWebp;
  if (info->format != expected) std::abort();
}

void FuzzOptimize(Bytes bytes, OutputFormat format) {
  OptimizeOptions options;
  options.format = format;
  options.quality = Quality::kLow;
  options.max_dimension = kMaxDimension;
  options.thumb_size = kThumbSize;
  options.limits = SmallLimits();
  auto web = OptimizeForWeb(bytes, options);
  if (!web) {
    if (!KnownReason(web.error().reason)) std::abort();
    return;
  }
  // The upload path decoded what the bomb check was made on. Validate, which no server path calls,
  // may still refuse the input: libwebp decoding directly takes WebPs with junk past the RIFF
  // size or in reserved VP8X bits that libvips' loader calls corrupt.
  auto header = CheckHeader(bytes, options.limits);
  if (!header || SniffFormat(bytes) != header->format ||
      uint32_t(web->metadata.original_width) != header->width ||
      uint32_t(web->metadata.original_height) != header->height ||
      web->metadata.source_format != header->format) {
    std::abort();
  }
  CheckOutput(web->optimized, kMaxDimension, format, options.limits);
  CheckOutput(web->thumbnail, kThumbSize, format, options.limits);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  InitPipeline();  // before libFuzzer starts anything, as the server does before its threads
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Bytes bytes(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: (void)CheckedValidate(bytes, SmallLimits()); break;
    case 1: FuzzOptimize(bytes, OutputFormat::kJpeg); break;
    case 2: FuzzOptimize(bytes, OutputFormat::kWebp); break;
  }
  return 0;
}
