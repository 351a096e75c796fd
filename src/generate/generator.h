// Image generators behind one interface, chosen by NOISETT_GENERATOR: `noise` (procedural, from
// libvips operations; the embedded default, needs no outside service) and `replicate` (the
// Replicate predictions API). A generator only makes image bytes: the service validates and
// optimizes them through the same pipeline as an upload, stores them and lists the job, so
// nothing a generator returns is trusted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::generate {

struct GenerateRequest {
  std::string prompt;       // 1..2000 characters, checked by the service
  std::string asset_type;   // free text, recorded ("standard", "premium", ...)
  std::string quality;      // "high" | "medium" | "low"
  std::string model;        // the generator's model name ("" : its default)
  std::vector<int64_t> seeds;  // one per image: count = seeds.size(), 1..8
  int width = 1024;
  int height = 1024;
};

struct GeneratedImage {
  int64_t seed = 0;
  std::string bytes;  // an encoded PNG, JPEG or WebP, untrusted: it goes through the pipeline
};

// Errors a generator returns (reason, code), mapped to HTTP by the edges:
//   generator_unavailable  the service cannot be reached or answers 5xx    kUnavailable
//   generator_timeout      no result within the generator's time limit     kUnavailable
//   generator_refused      the service refused the input (e.g. the prompt) kInvalidArgument
//   generator_failed       the service says it failed, or sent nonsense    kInternal
class Generator {
 public:
  virtual ~Generator() = default;
  virtual std::string_view name() const = 0;           // "noise", "replicate"
  virtual std::string default_model() const = 0;       // recorded when the request names none
  // All of request.seeds' images, in order, or an error and none.
  virtual Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request) = 0;
};

}  // namespace noisett::generate
