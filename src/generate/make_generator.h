// NOISETT_GENERATOR and its settings -> the generator the `generate` command runs.
#pragma once

#include <memory>
#include <string>

#include "generate/generator.h"
#include "generate/replicate_generator.h"

namespace noisett::generate {

struct GeneratorSettings {
  std::string kind = "noise";  // NOISETT_GENERATOR: noise | replicate
  ReplicateOptions replicate;  // used when kind == "replicate"
};

// Errors: kInvalidArgument "bad_generator" (unknown kind; replicate without a token).
Result<std::unique_ptr<Generator>> MakeGenerator(const GeneratorSettings& settings);

}  // namespace noisett::generate
