// libpng adapter: a chunk walk for the features we care about, then the simplified read API.
#include "image/png_decoder.h"

#include <png.h>

#include "image/png_gamma.h"

#include <cstring>
#include <memory>

namespace noisett::image {
namespace {

Unexpected Corrupt(const std::string& what) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "corrupt", "PNG " + what));
}

uint32_t Be32(Bytes b, size_t i) {
  return (uint32_t{b[i]} << 24) | (uint32_t{b[i + 1]} << 16) | (uint32_t{b[i + 2]} << 8) | b[i + 3];
}

struct ImageDeleter {
  void operator()(png_image* image) const { png_image_free(image); }
};

}  // namespace

Result<PngFeatures> ReadPngFeatures(Bytes b) {
  // Signature (8), IHDR chunk: length, "IHDR", width, height, bit depth, colour type, ...
  if (b.size() < 33 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) {
    return Corrupt("header is incomplete");
  }
  PngFeatures f;
  f.width = int(Be32(b, 16));
  f.height = int(Be32(b, 20));
  const uint8_t depth = b[24];
  const uint8_t colour_type = b[25];
  f.has_alpha = (colour_type & 4) != 0;
  bool metadata = false;
  bool srgb_or_icc = false;
  bool palette_seen = false;
  double gamma = 0;
  // Walk the chunks before IDAT: tRNS adds alpha; iCCP and eXIf need libvips' loader; gAMA
  // counts unless sRGB or iCCP overrides it (PNG spec 11.3.3.1, and what browsers do), and only
  // the first one before PLTE, as libpng (so every browser) ignores the others as out of place.
  for (size_t i = 8; i + 8 <= b.size();) {
    const uint32_t length = Be32(b, i);
    const std::string_view type(reinterpret_cast<const char*>(b.data()) + i + 4, 4);
    if (type == "IDAT") break;
    if (type == "tRNS") f.has_alpha = true;
    if (type == "iCCP" || type == "eXIf") metadata = true;
    if (type == "iCCP" || type == "sRGB") srgb_or_icc = true;
    if (type == "PLTE") palette_seen = true;
    if (type == "gAMA" && !palette_seen && gamma == 0 && length == 4 && i + 12 <= b.size()) {
      gamma = PngFileGamma(Be32(b, i + 8));
    }
    if (length > b.size()) break;  // the decoder reports the damage
    i += 12 + size_t(length);
  }
  f.gamma = srgb_or_icc ? 0 : gamma;
  f.plain = depth <= 8 && !metadata && f.gamma == 0;
  return f;
}

Status DecodePngInto(Bytes bytes, bool alpha, uint8_t* out, size_t size) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  std::unique_ptr<png_image, ImageDeleter> guard(&image);
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    return Corrupt(std::string("header is invalid: ") + image.message);
  }
  image.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  if (PNG_IMAGE_SIZE(image) != size) return Corrupt("size disagrees with its header");
  if (!png_image_finish_read(&image, nullptr, out, 0, nullptr)) {
    return Corrupt(std::string("data is truncated or invalid: ") + image.message);
  }
  return Ok();
}

}  // namespace noisett::image
