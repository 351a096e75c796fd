// Decoding for the libvips adapter (pipeline.cc): the header checked first, then one decode into
// memory, with the codec directly where libvips' loader measured slower, at the shrink the
// largest box allows, a PNG's gAMA applied. Every vips::VError becomes a Result here.
#include "image/vips_decode.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "image/pipeline.h"
#include "image/png_decoder.h"
#include "image/png_gamma.h"
#include "image/webp_codec.h"

namespace noisett::image::detail {

using vips::VError;
using vips::VImage;

namespace {

std::string FirstLine(const char* text) {
  std::string s(text);
  const auto end = s.find('\n');
  if (end != std::string::npos) s.resize(end);
  return s;
}

// The largest decode-time shrink that still leaves the longest side >= box. JPEG shrinks in the
// DCT (1/2, 1/4, 1/8) and WebP scales while decoding; PNG has no shrink-on-load.
int ShrinkOnLoad(const HeaderSize& h, int box) {
  if (h.format == Format::kPng) return 1;
  const uint32_t side = std::max(h.width, h.height);
  // The short side must keep at least a pixel: libvips aborts (not throws) on a 0-px image, so a
  // 16384x4 JPEG shrunk by 8 would take the whole process down (found by fuzz/image_fuzz.cc).
  const uint32_t short_side = std::min(h.width, h.height);
  for (int s : {8, 4, 2}) {
    const auto shrink = static_cast<uint32_t>(s);
    if (side / shrink >= static_cast<uint32_t>(box) && short_side >= shrink) return s;
  }
  return 1;
}

// A codec called directly decodes into a buffer that the returned image owns (freed with it):
// used where libvips' own loader measured slower (png_decoder.h, webp_codec.h).
template <typename DecodeInto>
Result<VImage> DecodeDirect(int width, int height, bool alpha, const Limits& limits,
                            DecodeInto decode_into) {
  if (width <= 0 || height <= 0) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "corrupt", "image has no pixels"));
  }
  if (auto ok = CheckDecodedPixels(uint64_t(width) * uint64_t(height), limits); !ok) {
    return Unexpected(ok.error());
  }
  const int bands = alpha ? 4 : 3;
  const size_t size = size_t(width) * size_t(height) * size_t(bands);
  auto* pixels = static_cast<uint8_t*>(g_try_malloc(size));
  if (pixels == nullptr) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "out_of_memory", "cannot allocate pixels"));
  }
  if (Status ok = decode_into(pixels, size); !ok) {
    g_free(pixels);
    return Unexpected(ok.error());
  }
  VipsImage* image = vips_image_new_from_memory(pixels, size, width, height, bands, VIPS_FORMAT_UCHAR);
  if (image == nullptr) {
    g_free(pixels);
    return Unexpected(MakeError(ErrorCode::kInternal, "internal", "cannot wrap decoded pixels"));
  }
  g_signal_connect(image, "postclose", G_CALLBACK(+[](VipsImage*, gpointer p) { g_free(p); }),
                   pixels);
  image->Type = VIPS_INTERPRETATION_sRGB;
  return VImage(image);
}

// Decodes with the codec directly when its probe says the input is plain; nullopt otherwise.
template <typename Features, typename DecodeInto>
std::optional<Result<Decoded>> DecodeIfPlain(const Result<Features>& f, const HeaderSize& header,
                                             const Limits& limits, DecodeInto decode_into) {
  if (!f) return Result<Decoded>(Unexpected(f.error()));
  if (!f->plain) return std::nullopt;
  auto pixels = DecodeDirect(f->width, f->height, f->has_alpha, limits,
                             [&](uint8_t* out, size_t size) {
                               return decode_into(f->has_alpha, out, size);
                             });
  if (!pixels) return Result<Decoded>(Unexpected(pixels.error()));
  return Result<Decoded>(Decoded{std::move(*pixels), header, f->has_alpha});
}

// The direct-codec path for plain PNG and WebP; nullopt when the input needs libvips' loader.
std::optional<Result<Decoded>> TryDecodeDirect(Bytes bytes, const HeaderSize& header,
                                               const Limits& limits) {
  auto decode = [bytes](auto decode_into) {
    return [bytes, decode_into](bool alpha, uint8_t* out, size_t size) {
      return decode_into(bytes, alpha, out, size);
    };
  };
  if (header.format == Format::kPng) {
    return DecodeIfPlain(ReadPngFeatures(bytes), header, limits, decode(DecodePngInto));
  }
  if (header.format == Format::kWebp) {
    return DecodeIfPlain(ReadWebpFeatures(bytes), header, limits, decode(DecodeWebpInto));
  }
  return std::nullopt;
}

// A PNG's gAMA applied as png_gamma.h says: the colour bands through a table to 8-bit sRGB, the
// alpha band (if any) scaled to 8 bits. libvips' loader leaves the samples as stored.
VImage ApplyPngGamma(const VImage& img, double file_gamma) {
  const bool sixteen = img.format() == VIPS_FORMAT_USHORT;
  const std::vector<uint8_t> table = GammaToSrgbTable(file_gamma, sixteen ? 65535 : 255);
  const VImage lut = VImage::new_from_memory(const_cast<uint8_t*>(table.data()), table.size(),
                                             int(table.size()), 1, 1, VIPS_FORMAT_UCHAR);
  const int colour_bands = img.bands() - (img.has_alpha() ? 1 : 0);
  VImage out = img.extract_band(0, VImage::option()->set("n", colour_bands)).maplut(lut);
  if (img.has_alpha()) {
    VImage alpha = img[colour_bands];
    if (sixteen) alpha = (alpha / 257).rint();
    out = out.bandjoin(alpha.cast(VIPS_FORMAT_UCHAR));
  }
  // The table lives only in this call: render now, while it does.
  return out.copy(VImage::option()->set("interpretation", colour_bands >= 3
                                                              ? VIPS_INTERPRETATION_sRGB
                                                              : VIPS_INTERPRETATION_B_W))
      .copy_memory();
}

// The gAMA a PNG's samples must go through (png_gamma.h), or 0.
Result<double> PngGammaOf(Bytes bytes, const HeaderSize& header) {
  if (header.format != Format::kPng) return 0.0;
  auto features = ReadPngFeatures(bytes);
  if (!features) return Unexpected(features.error());
  return features->gamma;
}

}  // namespace

VImage Load(VipsBlob* blob, Format format, int shrink) {
  auto options = VImage::option()
                     ->set("access", VIPS_ACCESS_SEQUENTIAL)
                     ->set("fail_on", VIPS_FAIL_ON_ERROR);
  switch (format) {
    case Format::kPng:
      return VImage::pngload_buffer(blob, options);
    case Format::kJpeg:
      return VImage::jpegload_buffer(blob, options->set("shrink", shrink));
    case Format::kWebp:
      if (shrink > 1) options->set("scale", 1.0 / shrink);
      return VImage::webpload_buffer(blob, options);
  }
  throw VError("unknown format");
}

BlobPtr BorrowBlob(Bytes bytes) { return BlobPtr(vips_blob_new(nullptr, bytes.data(), bytes.size())); }


Unexpected CorruptError(const VError& e) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "corrupt",
                              "image data is truncated or corrupt (" + FirstLine(e.what()) + ")"));
}

Status CheckDecodedPixels(uint64_t pixels, const Limits& limits) {
  if (pixels > limits.max_pixels) {
    return Unexpected(MakeError(ErrorCode::kTooLarge, "too_many_pixels",
                                "decoder reports more pixels than the limit"));
  }
  return Ok();
}

Result<Decoded> Decode(Bytes bytes, const Limits& limits, int box) {
  auto header = CheckHeader(bytes, limits);
  if (!header) return Unexpected(header.error());
  InitPipeline();
  if (auto direct = TryDecodeDirect(bytes, *header, limits)) return std::move(*direct);
  auto gamma = PngGammaOf(bytes, *header);
  if (!gamma) return Unexpected(gamma.error());
  const int shrink = ShrinkOnLoad(*header, box);
  BlobPtr blob = BorrowBlob(bytes);
  try {
    VImage loaded = Load(blob.get(), header->format, shrink);
    // Defence in depth: vips' own reading of the header must respect the limit too. With a
    // shrink, (w-1)*s x (h-1)*s is a lower bound of the original size.
    const uint64_t s = uint64_t(shrink);
    const uint64_t pixels = (shrink == 1)
                                ? uint64_t(loaded.width()) * uint64_t(loaded.height())
                                : (uint64_t(loaded.width()) - 1) * s * (uint64_t(loaded.height()) - 1) * s;
    if (auto ok = CheckDecodedPixels(pixels, limits); !ok) return Unexpected(ok.error());
    const bool alpha = loaded.has_alpha();
    if (*gamma > 0) return Decoded{ApplyPngGamma(loaded, *gamma), *header, alpha};
    return Decoded{loaded.copy_memory(), *header, alpha};
  } catch (const VError& e) {
    return CorruptError(e);
  }
}


}  // namespace noisett::image::detail
