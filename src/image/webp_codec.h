// Direct libwebp decoding for plain still WebP images, and WebP encoding. libvips 8.14's webpload decodes through
// its animation path and took ~77 ms for a 1536x1536 lossy image where libwebp alone takes ~20 ms
// (bench/, 2 cores), so the pipeline calls the codec itself when nothing else is needed; WebP
// with EXIF, ICC or animation still goes through libvips' loader. Encoding is ours too because
// libvips 8.14's webpsave writes an EXIF chunk even with strip set (it would carry GPS tags
// through). The only file that includes libwebp.
#pragma once

#include "image/image_types.h"

namespace noisett::image {

struct WebpFeatures {
  int width = 0;
  int height = 0;
  bool has_alpha = false;
  bool plain = false;  // still image without EXIF or ICC chunks: safe for DecodeWebpInto
};

// Errors: corrupt (libwebp cannot read the header).
Result<WebpFeatures> ReadWebpFeatures(Bytes bytes);

// Decodes into `out` (RGB, or RGBA when `alpha`), rows of width * bands bytes, `size` bytes in
// all. REQUIRES: out holds width * height * bands bytes of ReadWebpFeatures' size.
// Errors: corrupt (truncated or invalid bitstream).
Status DecodeWebpInto(Bytes bytes, bool alpha, uint8_t* out, size_t size);

// Lossy WebP of 8-bit RGB (bands 3) or RGBA (bands 4) pixels, rows of `stride` bytes, with no
// metadata chunks. Errors: internal (the encoder failed).
Result<std::string> EncodeWebp(const uint8_t* pixels, int width, int height, int bands,
                               size_t stride, int quality);

}  // namespace noisett::image
