// Renditions: the same picture as AVIF and WebP at the sizes a gallery grid (256 and 512 px
// tiles on 1x and 2x screens) and a detail view (1024 and 2048) need, next to the JPEG full image
// and thumbnail that OptimizeForWeb makes, which stay the fallback every client can show. This
// file owns choosing the sizes, skipping the ones an image is too small for, and which encoder
// gets which pixels; decoding and resizing are pipeline.h's (ForEachFitted), the codecs are
// avif_encoder.h, webp_codec.h and jpeg_encoder.h. Pure bytes in, bytes out: no files, no logging.
//
// Error reasons: those of Validate (empty, too_large, unsupported_format, too_many_pixels,
// corrupt: pipeline.h), bad_option (a spec or option out of range) and, from the encoders,
// encode_failed (kInternal) and out_of_memory (kUnavailable).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "image/image_types.h"

namespace noisett::image {

// Boxes, in px: grid tiles at 1x and 2x, then the detail view at 1x and 2x.
inline constexpr int kRenditionSizes[] = {256, 512, 1024, 2048};

// One output: `format` fitted inside size x size (16..16384). JPEG is accepted too (alpha
// flattened onto white, as Optimize does), which the benchmark uses to compare like with like.
struct RenditionSpec {
  OutputFormat format = OutputFormat::kAvif;
  int size = 0;
};

// AVIF and WebP at each of kRenditionSizes, AVIF first.
std::vector<RenditionSpec> DefaultRenditionSpecs();

// libaom's cpu-used for renditions, chosen from bench/renditions.sh (docs/performance.md
// "Renditions: encoder choice").
inline constexpr int kDefaultAvifSpeed = 6;

struct RenditionOptions {
  Quality quality = Quality::kMedium;  // EncoderQuality(quality, format) for each format
  Limits limits;
  int avif_speed = kDefaultAvifSpeed;  // 0..9
  // libaom's threads per encode (1..16). Two use both cores of a server whose renditions run one
  // at a time on a background thread (a 2048 px encode: 3.3 s against 4.7 s with one, the same
  // peak memory); more would only contend for the cores.
  int avif_threads = 2;
};

struct Rendition {
  OutputFormat format = OutputFormat::kAvif;
  int size = 0;  // the spec's box
  int width = 0;
  int height = 0;
  std::string bytes;
};

// Decodes `source` once (PNG, JPEG or WebP, checked as Validate checks it, with options.limits
// and the same error reasons), auto-rotates, converts to sRGB, and for each spec fits the image
// inside size x size (Lanczos, never enlarges) and encodes it with no metadata. Alpha is kept for
// AVIF and WebP. Per format, sizes are taken in ascending order, and a spec whose fitted size
// equals an earlier one's of the same format (the image is smaller than the box) is skipped, as
// is a repeated spec: a 300x200 image gives 256x171 and 300x200 once per format. The result
// follows the order of `specs`, less the skipped ones.
// Thread-safe. Peak memory is the decoded image plus one encode (docs/performance.md).
// Errors: see the top of this file; bad_option for no specs, a size out of range or options out
// of range. Nothing is returned when any encode fails.
Result<std::vector<Rendition>> MakeRenditions(Bytes source, std::span<const RenditionSpec> specs,
                                              const RenditionOptions& options);

}  // namespace noisett::image
