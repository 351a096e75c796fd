// Generation's shared pieces.
#include "service/generate_images.h"

#include <algorithm>

namespace noisett::service {
namespace {

// A Replicate output is already capped at 10 MiB by its download.
constexpr uint64_t kGeneratedMaxBytes = uint64_t{16} << 20;

}  // namespace

image::OptimizeOptions GeneratedImageOptions(const image::OptimizeOptions& optimize,
                                             image::Quality quality) {
  image::OptimizeOptions options = optimize;
  options.quality = quality;
  options.limits.max_bytes = std::max<uint64_t>(options.limits.max_bytes, kGeneratedMaxBytes);
  return options;
}

Status GeneratorReady(const GenerateDeps& deps) {
  if (deps.generator != nullptr) return Ok();
  return Unexpected(MakeError(ErrorCode::kUnavailable, "no_generator",
                              "no image generator is configured (NOISETT_GENERATOR)"));
}

}  // namespace noisett::service
