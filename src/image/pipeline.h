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

}  // namespace noisett::image
