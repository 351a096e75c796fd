// Decoding for the libvips adapter (pipeline.cc), and what both share: the borrowed blob, the
// decoded image, the decoder's pixel check and its error. Internal to src/image; no other module
// includes vips.
#pragma once

#include <vips/vips8>

#include <cstdint>
#include <memory>

#include "core/result.h"
#include "image/format_sniff.h"
#include "image/image_types.h"

namespace noisett::image::detail {

struct BlobUnref {
  void operator()(VipsBlob* blob) const { vips_area_unref(VIPS_AREA(blob)); }
};
using BlobPtr = std::unique_ptr<VipsBlob, BlobUnref>;

// Wraps the caller's bytes without copying. REQUIRES: the bytes outlive every image made from
// the blob; Decode() guarantees it by copying the decoded pixels to memory before returning.
BlobPtr BorrowBlob(Bytes bytes);

// A decoder's complaint, as every caller sees it: kInvalidArgument "corrupt", its first line.
Unexpected CorruptError(const vips::VError& e);

// Defence in depth: the decoder's own reading of the size must respect the limit too.
Status CheckDecodedPixels(uint64_t pixels, const Limits& limits);

struct Decoded {
  vips::VImage pixels;  // decoded, in memory, before orientation and colour conversion
  HeaderSize header;
  bool has_alpha = false;
};

// Loads with the format's own loader (never vips' sniffing), failing on any decoder error.
vips::VImage Load(VipsBlob* blob, Format format, int shrink);

// Checks the header, then decodes once into memory at the shrink that `box` allows.
Result<Decoded> Decode(Bytes bytes, const Limits& limits, int box);

}  // namespace noisett::image::detail
