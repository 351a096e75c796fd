// The image pipeline: untrusted bytes in, an optimized image and a thumbnail out. Pure bytes in,
// bytes out: no files, no logging. Every function is safe to call from many threads at once.
//
// Error reasons (Error::reason), stable for clients:
//   empty               zero bytes                                   (kInvalidArgument)
//   too_large           more than limits.max_bytes                   (kTooLarge)
//   unsupported_format  content is not PNG, JPEG or WebP, or is a    (kUnsupported)
//                       JPEG with 12- or 16-bit samples
//   too_many_pixels     header declares more than limits.max_pixels  (kTooLarge)
//   corrupt             truncated or undecodable data                (kInvalidArgument)
//   bad_option          options out of range                         (kInvalidArgument)
#pragma once

#include <functional>
#include <span>

#include "image/image_types.h"

namespace noisett::image {

// Starts libvips once per process (idempotent, thread-safe): blocks every loader except PNG,
// JPEG and WebP, turns the operation cache off and sets per-image concurrency. Every function
// below calls it; call it early, before starting threads (it sets VIPSHOME; see the .cc), to pay
// the start-up cost before serving.
void InitPipeline();

// Checks size, format (from the bytes), header pixel count and then decodes everything with
// fail-on-error, so truncated or corrupt data is refused.
Result<ImageInfo> Validate(Bytes bytes, const Limits& limits);

// Auto-rotates (EXIF), converts to sRGB, strips metadata, fits inside options.max_dimension with
// Lanczos (never enlarges) and encodes with options.quality/format. Alpha is flattened onto white
// for JPEG and kept for WebP.
Result<EncodedImage> Optimize(Bytes bytes, const OptimizeOptions& options);

// The same from the original bytes, fitted inside size x size (shrink-on-load where the format
// has it).
Result<EncodedImage> Thumbnail(Bytes bytes, int size, const OptimizeOptions& options);

// Optimized image, thumbnail (options.thumb_size) and metadata, decoding the input once.
Result<WebImage> OptimizeForWeb(Bytes bytes, const OptimizeOptions& options);

// Upright 8-bit sRGB pixels: RGB, or RGBA when the input has alpha. `data` holds `height` rows
// of `stride` bytes, the first width * bands of each used.
struct PixelView {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int bands = 0;
  size_t stride = 0;
};
// Gets each box and its pixels, which live only during the call; an error stops the walk.
using FittedVisitor = std::function<Status(int box, const PixelView& pixels)>;

// For encoders outside this file (renditions.cc): decodes once with Validate's checks, limits
// and error reasons, auto-rotates, converts to sRGB keeping alpha, then for each box in `boxes`
// (ascending, each 16..16384, else bad_option) fits the image inside box x box as Optimize does
// (never enlarges) and calls visit. Every box the image already fits in gets the same unscaled
// pixels, rendered once. Returns the first error of decoding or of visit.
Status ForEachFitted(Bytes bytes, std::span<const int> boxes, const Limits& limits,
                     const FittedVisitor& visit);

}  // namespace noisett::image
