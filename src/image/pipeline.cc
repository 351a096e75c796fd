// The libvips adapter, with vips_decode.cc (the only two files that include vips). It owns vips
// start-up and loader blocking, orientation, colour, resizing and encoding, and turns every
// vips::VError into a Result; decoding (with shrink-on-load) is vips_decode.cc's. Size/format/pixel
// checks happen before vips sees a byte (format_sniff.cc).
#include "image/pipeline.h"

#include <vips/vips8>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "image/format_sniff.h"
#include "image/vips_decode.h"
#include "image/jpeg_encoder.h"
#include "image/png_decoder.h"
#include "image/png_gamma.h"
#include "image/thumbhash.h"
#include "image/webp_codec.h"

namespace noisett::image {
namespace {

using vips::VError;
using vips::VImage;
using detail::BlobPtr;
using detail::BorrowBlob;
using detail::CheckDecodedPixels;
using detail::CorruptError;
using detail::Decode;
using detail::Decoded;
using detail::Load;

Status CheckOptions(const OptimizeOptions& o) {
  if (o.max_dimension < 16 || o.max_dimension > 16384 || o.thumb_size < 16 ||
      o.thumb_size > 4096) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option",
                                "max_dimension must be 16..16384 and thumb_size 16..4096"));
  }
  if (o.format == OutputFormat::kAvif) {  // seconds per image: only as a rendition (renditions.h)
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option",
                                "avif is written only as a rendition"));
  }
  return Ok();
}

// A CMYK JPEG without an ICC profile, as libjpeg plus a browser show it: Chromium (Skia) and
// Firefox take libjpeg's Adobe (inverted) samples and make each of R, G, B as
// inverted colour x inverted K / 255. libvips' own conversion goes through its built-in CMYK
// profile instead, which put blacks at about (30, 32, 44) and desaturated reds by 25-39/255
// (issue 24). libvips' loader has already un-inverted Adobe samples, so the inverses are 255 - v.
VImage CmykAsBrowsersShowIt(const VImage& cmyk) {
  const VImage inverted = cmyk.linear(-1.0, 255.0);
  const VImage rgb = (inverted.extract_band(0, VImage::option()->set("n", 3)) * inverted[3] / 255)
                         .rint()
                         .cast(VIPS_FORMAT_UCHAR);
  return rgb.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

// Upright sRGB 8-bit; alpha flattened onto white when the output cannot carry it (JPEG).
// Lazy: nothing is computed until a Render() pulls pixels.
VImage BuildOriented(const VImage& decoded, OutputFormat format) {
  VImage img = decoded.autorot();
  const bool has_icc = img.get_typeof(VIPS_META_ICC_NAME) != 0;
  if (!has_icc && img.interpretation() == VIPS_INTERPRETATION_CMYK && img.bands() == 4) {
    img = CmykAsBrowsersShowIt(img);
  }
  if (has_icc) {
    try {
      img = img.icc_transform("srgb", VImage::option()->set("embedded", true)->set(
                                          "intent", VIPS_INTENT_PERCEPTUAL));
    } catch (const VError&) {
      // An unusable embedded profile is ignored: the colourspace step below still gives sRGB.
    }
  }
  if (img.interpretation() != VIPS_INTERPRETATION_sRGB || img.format() != VIPS_FORMAT_UCHAR) {
    img = img.colourspace(VIPS_INTERPRETATION_sRGB);
    if (img.format() != VIPS_FORMAT_UCHAR) img = img.cast(VIPS_FORMAT_UCHAR);
  }
  if (format == OutputFormat::kJpeg && img.has_alpha()) {
    img = img.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}));
  }
  return img;
}

// Whether orientation turned the image by 90 or 270 degrees.
bool Swapped(const VImage& decoded, const VImage& oriented) {
  return decoded.width() != decoded.height() && oriented.width() == decoded.height();
}

Result<VImage> Orient(const VImage& decoded, OutputFormat format) {
  try {
    return BuildOriented(decoded, format);
  } catch (const VError& e) {
    return CorruptError(e);
  }
}

// liborc's code memory (0.4.33, Debian 12) is one list shared by every thread, and libvips
// compiles reduce()'s vector programs into it when the operation is built and frees them when the
// image is dropped. Under bench/load.sh (two workers optimizing uploads at once) `noisett serve`
// died there: an ASan build with a wild write in orc_code_allocate_codemem within a minute, a
// release build once in about a dozen 3-minute runs. So every reduce/resize (resize is reduce
// inside) is built, and every image that may hold one is dropped, under this lock, while the
// rendering runs outside it; with it, the ASan build ran the same load clean.
std::mutex& OrcCodeMutex() {
  static std::mutex mutex;
  return mutex;
}

// An image whose pipeline may own compiled orc code: dropped under OrcCodeMutex however the scope
// ends (an encoder error included).
class OrcOwningImage {
 public:
  explicit OrcOwningImage(VImage image) : image_(std::move(image)) {}
  OrcOwningImage(const OrcOwningImage&) = delete;
  OrcOwningImage& operator=(const OrcOwningImage&) = delete;
  ~OrcOwningImage() {
    std::lock_guard lock(OrcCodeMutex());
    image_ = VImage();
  }
  const VImage& get() const { return image_; }

 private:
  VImage image_;
};

// Lanczos-3 reduction by (hf, vf) >= 1. Measured on libvips 8.14 (bench/, 2 cores): reduce() is
// fast for integral factors (1024->256: 9 ms, vs 65 ms through resize()), but its cost grows with
// the kernel width for fractional ones (3000->256: 104 ms); a box shrink by floor(f/2) first, as
// Pillow's reducing_gap=2 does, brings that case to 34 ms with no visible difference.
VImage Reduce(VImage img, double hf, double vf) {
  const double f = std::min(hf, vf);
  const bool integral = std::abs(hf - std::round(hf)) < 1e-9 && std::abs(vf - std::round(vf)) < 1e-9;
  const int k = int(f / 2);
  if (!integral && k >= 2) {
    img = img.shrink(k, k);
    hf /= k;
    vf /= k;
  }
  std::lock_guard lock(OrcCodeMutex());
  return img.reduce(hf, vf, VImage::option()->set("kernel", VIPS_KERNEL_LANCZOS3));
}

// Fits inside box x box, keeping the aspect ratio of the logical (original, upright) size
// `logical_w` x `logical_h`; never enlarges. The pixels may already be shrunk on load, and the
// decoder rounds their size down, so the target is computed from the logical size.
VImage FitInside(VImage img, int box, int logical_w, int logical_h) {
  if (logical_w <= box && logical_h <= box) return img;
  const double scale = double(box) / std::max(logical_w, logical_h);
  const int tw = logical_w >= logical_h ? box : std::max(1, int(std::lround(logical_w * scale)));
  const int th = logical_h >= logical_w ? box : std::max(1, int(std::lround(logical_h * scale)));
  if (img.width() == tw && img.height() == th) return img;
  const double hf = double(img.width()) / tw;
  const double vf = double(img.height()) / th;
  const bool alpha = img.has_alpha();
  if (alpha) img = img.premultiply();  // no dark fringes around transparent edges
  if (hf >= 1 && vf >= 1) {
    img = Reduce(img, hf, vf);
  } else {
    // One axis came out of shrink-on-load a pixel short: resize() may enlarge by that pixel.
    std::lock_guard lock(OrcCodeMutex());
    img = img.resize(1 / hf, VImage::option()->set("vscale", 1 / vf)->set("kernel",
                                                                           VIPS_KERNEL_LANCZOS3));
  }
  if (alpha) img = img.unpremultiply().cast(VIPS_FORMAT_UCHAR);
  return img;
}

// Both encoders are called directly on rendered pixels (see jpeg_encoder.h, webp_codec.h), so
// no metadata of the input can reach the output.
std::string Encode(const VImage& img, Quality quality, OutputFormat format) {
  const int q = EncoderQuality(quality, format);
  const int bands = img.bands();
  if (img.format() != VIPS_FORMAT_UCHAR || bands < 3 || bands > 4 ||
      (format == OutputFormat::kJpeg && bands != 3)) {
    throw VError("unexpected pixel layout for encoding");
  }
  // data() renders the image into one contiguous buffer (no copy for a memory image).
  const auto* pixels = static_cast<const uint8_t*>(img.data());
  if (pixels == nullptr) throw VError("cannot render pixels");
  const size_t stride = size_t(img.width()) * size_t(bands);
  auto bytes = format == OutputFormat::kJpeg
                   ? EncodeJpeg(pixels, img.width(), img.height(), stride, q)
                   : EncodeWebp(pixels, img.width(), img.height(), bands, stride, q);
  if (!bytes) throw VError(bytes.error().message);
  return std::move(*bytes);
}

// The oriented image fitted inside box x box, in memory (or `oriented` itself when it fits).
// `header` gives the logical size; `swapped` says whether orientation turned it by 90 degrees.
// Rendered outside the lock, then the chain that may own orc code is dropped under it
// (OrcOwningImage). Throws VError.
VImage FitToMemory(const VImage& oriented, const HeaderSize& header, bool swapped, int box) {
  const int logical_w = int(swapped ? header.height : header.width);
  const int logical_h = int(swapped ? header.width : header.height);
  const OrcOwningImage chain(FitInside(oriented, box, logical_w, logical_h));
  if (chain.get().get_image() == oriented.get_image()) return oriented;  // nothing to fit
  return chain.get().copy_memory();
}

Result<EncodedImage> Render(const VImage& oriented, const HeaderSize& header, bool swapped, int box,
                            const OptimizeOptions& o, bool with_thumbhash = false) {
  try {
    const VImage fitted = FitToMemory(oriented, header, swapped, box);
    EncodedImage out{Encode(fitted, o.quality, o.format), fitted.width(), fitted.height(), o.format};
    if (with_thumbhash) {  // from the pixels Encode rendered: ~1 ms for a 256 px thumbnail
      out.thumbhash = ThumbHashOfPixels(static_cast<const uint8_t*>(fitted.data()), fitted.width(),
                                        fitted.height(), fitted.bands(),
                                        size_t(fitted.width()) * size_t(fitted.bands()));
    }
    return out;
  } catch (const VError& e) {
    return CorruptError(e);  // lazy decoding errors can surface only now
  }
}

Result<EncodedImage> DecodeAndRender(Bytes bytes, int box, const OptimizeOptions& o) {
  if (auto ok = CheckOptions(o); !ok) return Unexpected(ok.error());
  auto decoded = Decode(bytes, o.limits, box);
  if (!decoded) return Unexpected(decoded.error());
  auto oriented = Orient(decoded->pixels, o.format);
  if (!oriented) return Unexpected(oriented.error());
  return Render(*oriented, decoded->header, Swapped(decoded->pixels, *oriented), box, o);
}

}  // namespace

void InitPipeline() {
  static std::once_flag once;
  std::call_once(once, [] {
    // libvips loads its optional modules (HEIF, JPEG XL, ImageMagick, PDF, OpenSlide) from
    // $VIPSHOME/lib/vips-modules-X.Y at start. We block all their loaders anyway, and loading them
    // measured ~60 ms and ~6 MB per process start; pointing VIPSHOME at a directory that cannot
    // exist skips them and keeps their code out of the process entirely. setenv happens before
    // any worker thread exists (callers initialise first).
    setenv("VIPSHOME", "/nonexistent/noisett-without-vips-modules", 1);
    if (VIPS_INIT("noisett") != 0) throw std::runtime_error("libvips failed to start");
    // Decoder complaints reach callers as Result errors; vips' own stderr warnings would be noise.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING,
                      [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
    // Every call works on a unique input, so cached operations are never reused; worse, they
    // would keep borrowed input buffers referenced after the caller has freed them.
    vips_cache_set_max(0);
    // Parallelism comes from callers (one image per request or --jobs worker); per-image worker
    // threads would only contend for the same cores, and PNG decode and JPEG encode are serial.
    vips_concurrency_set(1);
    // Untrusted input meets only the three fuzzed loaders we sniff for, never vips' own choice.
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadPngBuffer", FALSE);
    vips_operation_block_set("VipsForeignLoadJpegBuffer", FALSE);
    vips_operation_block_set("VipsForeignLoadWebpBuffer", FALSE);
  });
}

Result<ImageInfo> Validate(Bytes bytes, const Limits& limits) {
  auto header = CheckHeader(bytes, limits);
  if (!header) return Unexpected(header.error());
  InitPipeline();
  BlobPtr blob = BorrowBlob(bytes);
  try {
    VImage img = Load(blob.get(), header->format, 1);
    const uint64_t pixels = uint64_t(img.width()) * uint64_t(img.height());
    if (auto ok = CheckDecodedPixels(pixels, limits); !ok) return Unexpected(ok.error());
    (void)img.avg();  // decodes every pixel, streaming, so truncation and corruption surface
    return ImageInfo{header->format, img.width(), img.height(), img.has_alpha()};
  } catch (const VError& e) {
    return CorruptError(e);
  }
}

Result<EncodedImage> Optimize(Bytes bytes, const OptimizeOptions& options) {
  return DecodeAndRender(bytes, options.max_dimension, options);
}

Result<EncodedImage> Thumbnail(Bytes bytes, int size, const OptimizeOptions& options) {
  OptimizeOptions o = options;
  o.thumb_size = size;
  return DecodeAndRender(bytes, size, o);  // checks the options, thumb_size included
}

Result<WebImage> OptimizeForWeb(Bytes bytes, const OptimizeOptions& options) {
  if (auto ok = CheckOptions(options); !ok) return Unexpected(ok.error());
  // Decode at the shrink both outputs allow (the thumbnail may be the larger box).
  const int box = std::max(options.max_dimension, options.thumb_size);
  auto decoded = Decode(bytes, options.limits, box);
  if (!decoded) return Unexpected(decoded.error());
  auto oriented = Orient(decoded->pixels, options.format);
  if (!oriented) return Unexpected(oriented.error());
  const bool swapped = Swapped(decoded->pixels, *oriented);
  auto full = Render(*oriented, decoded->header, swapped, options.max_dimension, options);
  if (!full) return Unexpected(full.error());
  auto thumb = Render(*oriented, decoded->header, swapped, options.thumb_size, options,
                      /*with_thumbhash=*/true);
  if (!thumb) return Unexpected(thumb.error());

  WebImageMetadata m;
  m.original_size_bytes = bytes.size();
  m.optimized_size_bytes = full->bytes.size();
  m.thumbnail_size_bytes = thumb->bytes.size();
  m.compression_ratio = std::round(100.0 * double(full->bytes.size()) / double(bytes.size())) / 100.0;
  m.original_width = int(decoded->header.width);
  m.original_height = int(decoded->header.height);
  m.width = full->width;
  m.height = full->height;
  m.thumbnail_width = thumb->width;
  m.thumbnail_height = thumb->height;
  m.source_format = decoded->header.format;
  m.format = options.format;
  m.has_alpha = decoded->has_alpha;
  return WebImage{std::move(*full), std::move(*thumb), m};
}

Status ForEachFitted(Bytes bytes, std::span<const int> boxes, const Limits& limits,
                     const FittedVisitor& visit) {
  for (size_t i = 0; i < boxes.size(); ++i) {
    if (boxes[i] < 16 || boxes[i] > 16384 || (i > 0 && boxes[i] <= boxes[i - 1])) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option",
                                  "boxes must be ascending and 16..16384"));
    }
  }
  if (boxes.empty()) return Ok();
  auto decoded = Decode(bytes, limits, boxes.back());  // the shrink the largest box allows
  if (!decoded) return Unexpected(decoded.error());
  auto oriented = Orient(decoded->pixels, OutputFormat::kAvif);  // keeps alpha
  if (!oriented) return Unexpected(oriented.error());
  const bool swapped = Swapped(decoded->pixels, *oriented);
  try {
    for (const int box : boxes) {
      // When the image fits, this is *oriented: data() renders it in place once, for every box.
      const VImage fitted = FitToMemory(*oriented, decoded->header, swapped, box);
      const auto* data = static_cast<const uint8_t*>(fitted.data());
      if (data == nullptr) throw VError("cannot render pixels");
      const PixelView view{data, fitted.width(), fitted.height(), fitted.bands(),
                           size_t(fitted.width()) * size_t(fitted.bands())};
      if (Status ok = visit(box, view); !ok) return ok;
    }
  } catch (const VError& e) {
    return CorruptError(e);  // lazy decoding errors can surface only now
  }
  return Ok();
}

}  // namespace noisett::image
