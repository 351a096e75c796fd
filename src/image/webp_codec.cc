// libwebp adapter: feature probing and decoding into a caller-owned buffer.
#include "image/webp_codec.h"

#include <webp/decode.h>
#include <webp/encode.h>

namespace noisett::image {
namespace {

Unexpected Corrupt(const std::string& what) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "corrupt", "WebP " + what));
}

// VP8X flag bits (RIFF header is 12 bytes, then "VP8X", size, flags).
constexpr uint8_t kIccFlag = 0x20;
constexpr uint8_t kExifFlag = 0x08;

bool HasMetadataChunks(Bytes b) {
  if (b.size() < 21 || std::string_view(reinterpret_cast<const char*>(b.data()) + 12, 4) != "VP8X") {
    return false;
  }
  return (b[20] & (kIccFlag | kExifFlag)) != 0;
}

}  // namespace

Result<WebpFeatures> ReadWebpFeatures(Bytes bytes) {
  WebPBitstreamFeatures f;
  if (WebPGetFeatures(bytes.data(), bytes.size(), &f) != VP8_STATUS_OK) {
    return Corrupt("header is invalid");
  }
  WebpFeatures out;
  out.width = f.width;
  out.height = f.height;
  out.has_alpha = f.has_alpha != 0;
  out.plain = f.has_animation == 0 && !HasMetadataChunks(bytes);
  return out;
}

Status DecodeWebpInto(Bytes bytes, bool alpha, uint8_t* out, size_t size) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) return Corrupt("decoder could not start");
  if (WebPGetFeatures(bytes.data(), bytes.size(), &config.input) != VP8_STATUS_OK) {
    return Corrupt("header is invalid");
  }
  const int bands = alpha ? 4 : 3;
  config.output.colorspace = alpha ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = out;
  config.output.u.RGBA.stride = config.input.width * bands;
  config.output.u.RGBA.size = size;
  const VP8StatusCode status = WebPDecode(bytes.data(), bytes.size(), &config);
  WebPFreeDecBuffer(&config.output);  // no-op for external memory, kept for symmetry with libwebp
  if (status != VP8_STATUS_OK) {
    return Corrupt(status == VP8_STATUS_NOT_ENOUGH_DATA ? "data is truncated"
                                                        : "bitstream is invalid");
  }
  return Ok();
}

Result<std::string> EncodeWebp(const uint8_t* pixels, int width, int height, int bands,
                               size_t stride, int quality) {
  uint8_t* out = nullptr;
  const size_t size =
      bands == 4 ? WebPEncodeRGBA(pixels, width, height, int(stride), float(quality), &out)
                 : WebPEncodeRGB(pixels, width, height, int(stride), float(quality), &out);
  if (size == 0) {
    WebPFree(out);
    return Unexpected(MakeError(ErrorCode::kInternal, "encode_failed", "WebP encoder failed"));
  }
  std::string bytes(reinterpret_cast<const char*>(out), size);
  WebPFree(out);
  return bytes;
}

}  // namespace noisett::image
