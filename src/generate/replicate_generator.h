// The `replicate` generator: the Replicate predictions API. Creates one prediction per seed (the
// seed an input of it, so each image is really made with its seed), polls them with backoff until
// they succeed, one fails or the time limit passes (then cancels those still running), and
// downloads each output URL through net::SafeFetch, as images.import does (the token is never sent
// there). Only the configured model runs: a request may name it, not another one. Thread-safe:
// Generate keeps its state on the stack.
#pragma once

#include <cstdint>
#include <string>

#include "generate/generator.h"
#include "net/safe_fetch.h"

namespace noisett::generate {

struct ReplicateOptions {
  std::string base_url = "https://api.replicate.com";  // NOISETT_REPLICATE_URL
  std::string token;                                  // REPLICATE_API_TOKEN
  // NOISETT_REPLICATE_MODEL: "owner/name" (the model's latest version) or "owner/name:VERSION"
  std::string model = "black-forest-labs/flux-schnell";
  int64_t timeout_ms = 120000;       // NOISETT_REPLICATE_TIMEOUT_MS: create to last output
  int64_t poll_initial_ms = 250;     // first wait between polls, doubled up to poll_max_ms
  int64_t poll_max_ms = 4000;
  std::string ca_file;               // trust for a test's TLS server; empty: the system's
  net::ImportPolicy downloads;       // how outputs are fetched (NOISETT_IMPORT_*)
};

class ReplicateGenerator final : public Generator {
 public:
  explicit ReplicateGenerator(ReplicateOptions options);
  std::string_view name() const override { return "replicate"; }
  std::string default_model() const override { return options_.model; }
  Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request) override;

  bool remote() const override { return true; }
  int64_t time_limit_ms() const override { return options_.timeout_ms; }
  Result<std::string> StartImage(const GenerateRequest& request, int64_t seed) override;
  Result<std::optional<GeneratedImage>> PollImage(const std::string& prediction_id,
                                                  int64_t seed) override;
  void CancelImage(const std::string& prediction_id) override;

 private:
  // Generate without the token scrubbing of its error.
  Result<std::vector<GeneratedImage>> Run(const GenerateRequest& request);

  ReplicateOptions options_;
};

}  // namespace noisett::generate
