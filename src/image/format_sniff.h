// Decides an input's format from its first bytes and reads its declared dimensions from the
// header, without decoding pixels and without libvips: pure and cheap, so a decompression bomb is
// refused before any decoder runs, and easy to fuzz.
#pragma once

#include <optional>

#include "image/image_types.h"

namespace noisett::image {

// PNG, JPEG or WebP by magic bytes; nullopt for anything else (GIF, SVG, TIFF, HEIC, PDF, text).
std::optional<Format> SniffFormat(Bytes bytes);

struct HeaderSize {
  Format format = Format::kPng;
  uint32_t width = 0;
  uint32_t height = 0;
};

// Format and declared width/height. Errors: unsupported_format (also a JPEG whose samples are not
// 8-bit), corrupt (header unreadable or a zero dimension).
Result<HeaderSize> ReadHeaderSize(Bytes bytes);

// Errors: empty (0 bytes), too_large (more than limits.max_bytes).
Status CheckByteSize(uint64_t size, const Limits& limits);

// Size, format and pixel-count checks, in that order; nothing is decoded.
// Errors: empty, too_large, unsupported_format, corrupt, too_many_pixels.
Result<HeaderSize> CheckHeader(Bytes bytes, const Limits& limits);

}  // namespace noisett::image
