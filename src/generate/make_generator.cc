// Choosing the generator.
#include "generate/make_generator.h"

#include "generate/noise_generator.h"

namespace noisett::generate {

Result<std::unique_ptr<Generator>> MakeGenerator(const GeneratorSettings& settings) {
  if (settings.kind == "noise") return std::unique_ptr<Generator>(new NoiseGenerator());
  if (settings.kind == "replicate") {
    if (settings.replicate.token.empty()) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_generator",
                                  "NOISETT_GENERATOR=replicate needs REPLICATE_API_TOKEN"));
    }
    if (settings.replicate.model.empty()) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_generator",
                                  "NOISETT_REPLICATE_MODEL is empty"));
    }
    return std::unique_ptr<Generator>(new ReplicateGenerator(settings.replicate));
  }
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_generator",
                              "unknown generator '" + settings.kind.substr(0, 32) +
                                  "' (noise or replicate)"));
}

}  // namespace noisett::generate
