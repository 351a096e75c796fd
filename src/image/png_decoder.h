// Direct libpng decoding for plain 8-bit PNGs. libvips' loader decodes through its region
// machinery before our copy to memory; libpng's simplified API writes straight into our buffer
// (measured in bench/: ~10% of the per-image time on 1024 px PNGs). PNGs that need more than that
// API gives (16-bit samples, ICC profiles, EXIF, a gAMA to apply: the simplified API would apply
// it its own way, see png_gamma.h) still go through libvips' loader. The only file that includes
// libpng.
#pragma once

#include "image/image_types.h"

namespace noisett::image {

struct PngFeatures {
  int width = 0;
  int height = 0;
  bool has_alpha = false;  // alpha channel or tRNS transparency
  double gamma = 0;        // gAMA to apply (png_gamma.h); 0 without one, or with sRGB or iCCP
  bool plain = false;      // <= 8 bits per sample, no iCCP, eXIf or gamma: for DecodePngInto
};

// Reads IHDR and the chunks before the image data. Errors: corrupt.
Result<PngFeatures> ReadPngFeatures(Bytes bytes);

// Decodes into `out` as RGB (or RGBA when `alpha`), rows of width * bands bytes.
// REQUIRES: `size` == width * height * bands of ReadPngFeatures' size. Errors: corrupt.
Status DecodePngInto(Bytes bytes, bool alpha, uint8_t* out, size_t size);

}  // namespace noisett::image
