// Magic-byte sniffing and header-only dimension reading for PNG, JPEG and WebP. Every read is
// bounds-checked against the span; nothing here allocates or trusts a length field.
#include "image/format_sniff.h"

#include <cstring>

namespace noisett::image {
namespace {

bool StartsWith(Bytes b, size_t offset, const char* magic, size_t n) {
  return b.size() >= offset + n && std::memcmp(b.data() + offset, magic, n) == 0;
}

uint32_t Be16(Bytes b, size_t i) { return (uint32_t{b[i]} << 8) | b[i + 1]; }
uint32_t Be32(Bytes b, size_t i) { return (Be16(b, i) << 16) | Be16(b, i + 2); }
uint32_t Le16(Bytes b, size_t i) { return uint32_t{b[i]} | (uint32_t{b[i + 1]} << 8); }
uint32_t Le24(Bytes b, size_t i) { return Le16(b, i) | (uint32_t{b[i + 2]} << 16); }

Unexpected Corrupt(const std::string& what) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "corrupt", what));
}

Result<HeaderSize> PngSize(Bytes b) {
  // Signature (8), then the first chunk must be IHDR: length (4), type (4), width, height.
  if (b.size() < 24 || !StartsWith(b, 12, "IHDR", 4)) return Corrupt("PNG header is incomplete");
  return HeaderSize{Format::kPng, Be32(b, 16), Be32(b, 20)};
}

bool IsJpegSof(uint8_t marker) {
  // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

Unexpected Unsupported(const std::string& what) {
  return Unexpected(MakeError(ErrorCode::kUnsupported, "unsupported_format", what));
}

Result<HeaderSize> JpegSize(Bytes b) {
  size_t i = 2;  // past SOI
  while (i + 1 < b.size()) {
    // Stray bytes between segments: libjpeg skips them with a warning ("N extraneous bytes
    // before marker") and every browser shows the picture, so we look for the next 0xFF too.
    while (i < b.size() && b[i] != 0xFF) ++i;
    while (i < b.size() && b[i] == 0xFF) ++i;  // fill bytes
    if (i >= b.size()) break;
    const uint8_t marker = b[i++];
    if (marker == 0x00) continue;  // a stuffed 0xFF: stray data too, as libjpeg treats it
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length field
    if (marker == 0xD9 || marker == 0xDA) return Corrupt("JPEG has no frame header");
    if (i + 2 > b.size()) break;
    const uint32_t length = Be16(b, i);
    if (length < 2) return Corrupt("JPEG segment length is invalid");
    if (IsJpegSof(marker)) {
      if (i + 7 > b.size()) break;
      // libjpeg-turbo 2.1 (Debian 12) decodes 8-bit samples only: a 12- or 16-bit JPEG is a
      // valid file in a format we do not support, not a damaged one.
      if (b[i + 2] != 8) {
        return Unsupported("JPEG has " + std::to_string(b[i + 2]) +
                           "-bit samples; only 8-bit JPEG is supported");
      }
      return HeaderSize{Format::kJpeg, Be16(b, i + 5), Be16(b, i + 3)};
    }
    i += length;
  }
  return Corrupt("JPEG header is incomplete");
}

// Each chunk's header ends at a different offset, and a whole lossless (VP8L) file can be shorter
// than a lossy header (28 bytes for a single-colour picture of any size), so no one minimum fits
// all three.
Result<HeaderSize> WebpSize(Bytes b) {
  if (StartsWith(b, 12, "VP8 ", 4)) {
    if (b.size() < 30) return Corrupt("WebP header is incomplete");
    // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
    if (b[23] != 0x9D || b[24] != 0x01 || b[25] != 0x2A) return Corrupt("WebP VP8 start code missing");
    return HeaderSize{Format::kWebp, Le16(b, 26) & 0x3FFF, Le16(b, 28) & 0x3FFF};
  }
  if (StartsWith(b, 12, "VP8L", 4)) {
    if (b.size() < 25) return Corrupt("WebP header is incomplete");
    // Lossless: signature 0x2F, then 14 bits width-1 and 14 bits height-1, little-endian.
    if (b[20] != 0x2F) return Corrupt("WebP VP8L signature missing");
    const uint32_t bits = uint32_t{b[21]} | (uint32_t{b[22]} << 8) | (uint32_t{b[23]} << 16) |
                          (uint32_t{b[24]} << 24);
    return HeaderSize{Format::kWebp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
  }
  if (StartsWith(b, 12, "VP8X", 4)) {
    if (b.size() < 30) return Corrupt("WebP header is incomplete");
    // Extended: flags (4), then 24-bit canvas width-1 and height-1.
    return HeaderSize{Format::kWebp, Le24(b, 24) + 1, Le24(b, 27) + 1};
  }
  if (b.size() < 16) return Corrupt("WebP header is incomplete");
  return Corrupt("WebP has no VP8, VP8L or VP8X chunk");
}

}  // namespace

std::optional<Format> SniffFormat(Bytes b) {
  if (StartsWith(b, 0, "\x89PNG\r\n\x1a\n", 8)) return Format::kPng;
  if (StartsWith(b, 0, "\xFF\xD8\xFF", 3)) return Format::kJpeg;
  if (StartsWith(b, 0, "RIFF", 4) && StartsWith(b, 8, "WEBP", 4)) return Format::kWebp;
  return std::nullopt;
}

Result<HeaderSize> ReadHeaderSize(Bytes b) {
  const auto format = SniffFormat(b);
  if (!format) {
    return Unexpected(MakeError(ErrorCode::kUnsupported, "unsupported_format",
                                "content is not PNG, JPEG or WebP"));
  }
  Result<HeaderSize> size = *format == Format::kPng    ? PngSize(b)
                            : *format == Format::kJpeg ? JpegSize(b)
                                                       : WebpSize(b);
  if (size && (size->width == 0 || size->height == 0)) return Corrupt("image has a zero dimension");
  return size;
}

Status CheckByteSize(uint64_t size, const Limits& limits) {
  if (size == 0) return Unexpected(MakeError(ErrorCode::kInvalidArgument, "empty", "image is empty"));
  if (size > limits.max_bytes) {
    return Unexpected(MakeError(ErrorCode::kTooLarge, "too_large",
                                "image is " + std::to_string(size) + " bytes, the limit is " +
                                    std::to_string(limits.max_bytes)));
  }
  return Ok();
}

Result<HeaderSize> CheckHeader(Bytes b, const Limits& limits) {
  if (auto ok = CheckByteSize(b.size(), limits); !ok) return Unexpected(ok.error());
  auto size = ReadHeaderSize(b);
  if (!size) return size;
  const uint64_t pixels = uint64_t{size->width} * size->height;
  if (pixels > limits.max_pixels) {
    return Unexpected(MakeError(
        ErrorCode::kTooLarge, "too_many_pixels",
        "image declares " + std::to_string(size->width) + "x" + std::to_string(size->height) +
            " = " + std::to_string(pixels) + " pixels, the limit is " +
            std::to_string(limits.max_pixels)));
  }
  return size;
}

}  // namespace noisett::image
