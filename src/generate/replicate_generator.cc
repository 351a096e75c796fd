// Placeholder until the Replicate generator lands (issue 9).
#include "generate/replicate_generator.h"

namespace noisett::generate {

ReplicateGenerator::ReplicateGenerator(ReplicateOptions options) : options_(std::move(options)) {}

Result<std::vector<GeneratedImage>> ReplicateGenerator::Generate(const GenerateRequest&) {
  return Unexpected(MakeError(ErrorCode::kUnavailable, "generator_unavailable", "not implemented yet"));
}

}  // namespace noisett::generate
