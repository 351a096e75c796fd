// What generation needs from the rest of the service: the store's dependencies and the
// configured generator, the request a caller makes, and the pipeline options a generator's image
// goes through (as untrusted as an upload's). The jobs themselves: generation_jobs.h (submit,
// read, cancel, wait) and job_runner.h (making and storing the images).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "generate/generator.h"
#include "image/image_types.h"
#include "service/upload.h"

namespace noisett::service {

// Prompts are at most this many characters (not bytes).
inline constexpr size_t kMaxPromptChars = 2000;
// Seeds stay below 2^53 so a browser's JSON numbers carry them exactly.
inline constexpr int64_t kMaxSeed = (int64_t{1} << 53) - 1;

struct GenerateDeps {
  const UploadDeps& store;
  generate::Generator* generator;  // NOISETT_GENERATOR; null: generate refuses "no_generator"
};

struct GenerateImagesRequest {
  std::string prompt;  // 1..kMaxPromptChars characters, not only blanks
  std::string asset_type = "standard";
  image::Quality quality = image::Quality::kMedium;
  std::optional<std::string> model;  // none: the generator's default
  int count = 2;                     // 1..8
  std::optional<int64_t> seed;       // the first image's; the others count up. None: random each
};

// The pipeline's options for a generator's image: `quality`, and a byte limit of its own (not
// the upload limit: the noise generator hands over an uncompressed 3 MB PNG, and an operator who
// lowers the upload limit must not break generation). The pixel limit still applies.
image::OptimizeOptions GeneratedImageOptions(const image::OptimizeOptions& optimize,
                                             image::Quality quality);

// Ok when a generator is configured; else kUnavailable "no_generator".
Status GeneratorReady(const GenerateDeps& deps);

}  // namespace noisett::service
