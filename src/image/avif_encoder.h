// AVIF encoding of 8-bit sRGB pixels with libheif and libaom, called directly: libvips' heifsave
// lives in a loadable module that InitPipeline keeps out of the process (pipeline.cc), and the
// direct call also writes exactly what we ask: one still image, no EXIF or XMP, an nclx colour
// box saying sRGB. The only file that includes libheif (with heif_handles.h).
#pragma once

#include <string>

#include "image/image_types.h"

namespace noisett::image {

struct AvifSettings {
  int quality = 60;  // libheif's 0..100 scale (libaom's quantizer, inverted); alpha gets the same
  // libaom's cpu-used, 0..9: lower searches harder for fewer bytes and costs much more time
  // (docs/performance.md "Renditions: encoder choice" has the figures behind the default).
  int speed = 6;
  // libaom's worker threads (libheif's default is 4), sharing out rows of the frame: more than
  // the cores only adds contention.
  int threads = 2;
  bool chroma_444 = false;  // 4:2:0 otherwise, as JPEG below quality 90
};

// Lossy AVIF of 8-bit RGB (bands 3) or RGBA (bands 4) pixels, rows of `stride` bytes. The
// colour is labelled sRGB (BT.709 primaries, sRGB transfer, BT.601 matrix, full range), which is
// how every browser decodes it. Thread-safe: each call has its own encoder.
// Errors: bad_option (settings or layout out of range, kInvalidArgument); encode_failed
// (libheif or libaom failed, kInternal); out_of_memory (kUnavailable).
Result<std::string> EncodeAvif(const uint8_t* pixels, int width, int height, int bands,
                               size_t stride, const AvifSettings& settings);

}  // namespace noisett::image
