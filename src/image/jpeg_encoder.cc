// libjpeg adapter. libjpeg reports errors by calling error_exit, which must not return: we
// longjmp back to EncodeJpeg. Nothing with a destructor lives between setjmp and the longjmp.
#include "image/jpeg_encoder.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

namespace noisett::image {
namespace {

struct ErrorManager {
  jpeg_error_mgr base;  // first, so libjpeg's pointer is also ours
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  err->base.format_message(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Runs the whole compression; returns false (message set) when libjpeg fails. Kept free of
// C++ objects so the longjmp skips no destructor.
bool Compress(jpeg_compress_struct* c, ErrorManager* err, const uint8_t* rgb, int width,
              int height, size_t stride, int quality, unsigned char** out, unsigned long* size) {
  c->err = jpeg_std_error(&err->base);
  err->base.error_exit = OnError;
  if (setjmp(err->jump) != 0) {
    jpeg_destroy_compress(c);
    return false;
  }
  jpeg_create_compress(c);
  jpeg_mem_dest(c, out, size);
  c->image_width = JDIMENSION(width);
  c->image_height = JDIMENSION(height);
  c->input_components = 3;
  c->in_color_space = JCS_RGB;
  jpeg_set_defaults(c);  // YCbCr, 2x2 chroma sampling (4:2:0)
  jpeg_set_quality(c, quality, TRUE);
  c->optimize_coding = TRUE;
  if (quality >= 90) {
    c->comp_info[0].h_samp_factor = 1;  // 4:4:4: chroma detail is worth its bytes up there
    c->comp_info[0].v_samp_factor = 1;
  }
  jpeg_start_compress(c, TRUE);
  while (c->next_scanline < c->image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb + size_t(c->next_scanline) * stride);
    jpeg_write_scanlines(c, &row, 1);
  }
  jpeg_finish_compress(c);
  jpeg_destroy_compress(c);
  return true;
}

}  // namespace

Result<std::string> EncodeJpeg(const uint8_t* rgb, int width, int height, size_t stride,
                               int quality) {
  jpeg_compress_struct cinfo{};
  ErrorManager err{};
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const bool ok = Compress(&cinfo, &err, rgb, width, height, stride, quality, &out, &size);
  if (!ok) {
    std::free(out);
    return Unexpected(MakeError(ErrorCode::kInternal, "encode_failed",
                                std::string("JPEG encoder failed: ") + err.message));
  }
  std::string bytes(reinterpret_cast<const char*>(out), size);
  std::free(out);
  return bytes;
}

}  // namespace noisett::image
