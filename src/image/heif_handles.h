// Owning handles for libheif's C objects: each is put in one of these the moment it is created,
// so no heif_*_free or *_release call appears anywhere else. Shared by the AVIF encoder
// (avif_encoder.cc) and the tests that decode its output; nothing else includes libheif.
#pragma once

#include <libheif/heif.h>

#include <memory>

namespace noisett::image {

struct HeifContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifEncoderRelease {
  void operator()(heif_encoder* e) const { heif_encoder_release(e); }
};
struct HeifImageRelease {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct HeifImageHandleRelease {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct HeifEncodingOptionsFree {
  void operator()(heif_encoding_options* o) const { heif_encoding_options_free(o); }
};
struct HeifNclxFree {
  void operator()(heif_color_profile_nclx* n) const { heif_nclx_color_profile_free(n); }
};

using HeifContextPtr = std::unique_ptr<heif_context, HeifContextFree>;
using HeifEncoderPtr = std::unique_ptr<heif_encoder, HeifEncoderRelease>;
using HeifImagePtr = std::unique_ptr<heif_image, HeifImageRelease>;
using HeifImageHandlePtr = std::unique_ptr<heif_image_handle, HeifImageHandleRelease>;
using HeifEncodingOptionsPtr = std::unique_ptr<heif_encoding_options, HeifEncodingOptionsFree>;
using HeifNclxPtr = std::unique_ptr<heif_color_profile_nclx, HeifNclxFree>;

}  // namespace noisett::image
