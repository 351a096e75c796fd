// libheif adapter for writing AVIF: one context, one AV1 encoder and one interleaved RGB(A) image
// per call, each owned by a heif_handles.h pointer from the moment libheif hands it over.
#include "image/avif_encoder.h"

#include <cstring>
#include <mutex>

#include "image/heif_handles.h"

namespace noisett::image {
namespace {

Unexpected Failed(const char* what, const heif_error& e) {
  return Unexpected(MakeError(ErrorCode::kInternal, "encode_failed",
                              std::string("AVIF encoder failed: ") + what + " (" +
                                  (e.message != nullptr ? e.message : "?") + ")"));
}

Unexpected BadOption(const char* what) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_option", what));
}

Unexpected OutOfMemory(const char* what) {
  return Unexpected(MakeError(ErrorCode::kUnavailable, "out_of_memory", what));
}

// heif_init registers the built-in codecs; it is reference counted and never undone here, so the
// registration lives as long as the process (a later heif_deinit would pull it from under a
// concurrent encode).
void InitHeif() {
  static std::once_flag once;
  std::call_once(once, [] { heif_init(nullptr); });
}

Result<HeifEncoderPtr> MakeEncoder(heif_context* ctx, const AvifSettings& s) {
  heif_encoder* raw = nullptr;
  if (heif_error e = heif_context_get_encoder_for_format(ctx, heif_compression_AV1, &raw); e.code) {
    return Failed("no AV1 encoder", e);
  }
  HeifEncoderPtr encoder(raw);
  const struct {
    const char* name;
    int value;
  } integers[] = {{"speed", s.speed}, {"threads", s.threads}};
  for (const auto& p : integers) {
    if (heif_error e = heif_encoder_set_parameter_integer(raw, p.name, p.value); e.code) {
      return Failed(p.name, e);
    }
  }
  if (heif_error e = heif_encoder_set_parameter_string(raw, "chroma", s.chroma_444 ? "444" : "420");
      e.code) {
    return Failed("chroma", e);
  }
  if (heif_error e = heif_encoder_set_lossy_quality(raw, s.quality); e.code) {
    return Failed("quality", e);
  }
  return encoder;
}

// Copies the caller's rows into a libheif image (libheif owns its planes, with its own stride).
Result<HeifImagePtr> MakeImage(const uint8_t* pixels, int width, int height, int bands,
                               size_t stride) {
  heif_image* raw = nullptr;
  const heif_chroma chroma =
      bands == 4 ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB;
  if (heif_error e = heif_image_create(width, height, heif_colorspace_RGB, chroma, &raw); e.code) {
    return Failed("image", e);
  }
  HeifImagePtr image(raw);
  if (heif_error e = heif_image_add_plane(raw, heif_channel_interleaved, width, height, 8);
      e.code) {
    return Failed("plane", e);
  }
  int plane_stride = 0;
  uint8_t* plane = heif_image_get_plane(raw, heif_channel_interleaved, &plane_stride);
  if (plane == nullptr) return OutOfMemory("cannot allocate the AVIF image plane");
  const size_t row = size_t(width) * size_t(bands);
  for (int y = 0; y < height; ++y) {
    std::memcpy(plane + size_t(y) * size_t(plane_stride), pixels + size_t(y) * stride, row);
  }
  return image;
}

// sRGB as the AV1 colour description says it: BT.709 primaries, the sRGB curve, and the BT.601
// matrix at full range, libheif's own RGB-to-YCbCr conversion (what libavif writes for sRGB too).
Result<HeifNclxPtr> SrgbNclx() {
  HeifNclxPtr nclx(heif_nclx_color_profile_alloc());
  if (!nclx) return OutOfMemory("cannot allocate a colour profile");
  nclx->color_primaries = heif_color_primaries_ITU_R_BT_709_5;
  nclx->transfer_characteristics = heif_transfer_characteristic_IEC_61966_2_1;
  nclx->matrix_coefficients = heif_matrix_coefficients_ITU_R_BT_601_6;
  nclx->full_range_flag = 1;
  return nclx;
}

heif_error AppendTo(heif_context*, const void* data, size_t size, void* out) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

}  // namespace

Result<std::string> EncodeAvif(const uint8_t* pixels, int width, int height, int bands,
                               size_t stride, const AvifSettings& s) {
  if (width <= 0 || height <= 0 || (bands != 3 && bands != 4) ||
      stride < size_t(width) * size_t(bands)) {
    return BadOption("unexpected pixel layout for AVIF");
  }
  if (s.quality < 0 || s.quality > 100 || s.speed < 0 || s.speed > 9 || s.threads < 1 ||
      s.threads > 16) {
    return BadOption("AVIF quality must be 0..100, speed 0..9 and threads 1..16");
  }
  InitHeif();
  HeifContextPtr ctx(heif_context_alloc());
  if (!ctx) return OutOfMemory("cannot allocate a HEIF context");
  auto encoder = MakeEncoder(ctx.get(), s);
  if (!encoder) return Unexpected(encoder.error());
  auto image = MakeImage(pixels, width, height, bands, stride);
  if (!image) return Unexpected(image.error());
  auto nclx = SrgbNclx();
  if (!nclx) return Unexpected(nclx.error());
  if (heif_error e = heif_image_set_nclx_color_profile(image->get(), nclx->get()); e.code) {
    return Failed("colour profile", e);
  }
  HeifEncodingOptionsPtr options(heif_encoding_options_alloc());
  if (!options) return OutOfMemory("cannot allocate encoding options");
  options->save_alpha_channel = bands == 4;
  options->output_nclx_profile = nclx->get();
  if (heif_error e = heif_context_encode_image(ctx.get(), image->get(), encoder->get(),
                                               options.get(), nullptr);
      e.code) {
    return Failed("encode", e);
  }
  std::string bytes;
  heif_writer writer{};
  writer.writer_api_version = 1;
  writer.write = AppendTo;
  if (heif_error e = heif_context_write(ctx.get(), &writer, &bytes); e.code) {
    return Failed("write", e);
  }
  return bytes;
}

}  // namespace noisett::image
