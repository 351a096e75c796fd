// The `noise` generator: a deterministic procedural image from libvips operations (noise fields,
// gradients, colour maps). The same prompt, seed and size give the same bytes, on any thread.
// Needs no model and no network; fast enough to be the embedded default.
#pragma once

#include "generate/generator.h"

namespace noisett::generate {

class NoiseGenerator final : public Generator {
 public:
  std::string_view name() const override { return "noise"; }
  std::string default_model() const override { return "noise-v1"; }
  Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request) override;
};

}  // namespace noisett::generate
