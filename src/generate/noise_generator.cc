// Placeholder until the noise generator lands (issue 9).
#include "generate/noise_generator.h"

namespace noisett::generate {

Result<std::vector<GeneratedImage>> NoiseGenerator::Generate(const GenerateRequest&) {
  return Unexpected(MakeError(ErrorCode::kInternal, "generator_failed", "not implemented yet"));
}

}  // namespace noisett::generate
