// Image generators behind one interface, chosen by NOISETT_GENERATOR: `noise` (procedural, from
// libvips operations; the embedded default, needs no outside service) and `replicate` (the
// Replicate predictions API). A generator only makes image bytes: the service validates and
// optimizes them through the same pipeline as an upload, stores them and lists the job, so
// nothing a generator returns is trusted.
#pragma once

#include <cstdint>
#include <optional>
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

// Errors a generator returns (reason, code), mapped to HTTP by the edges. The service is another
// server (an upstream): its failures are a gateway's 502 and 504, not this server's 503 or 500.
//   generator_unavailable  the service cannot be reached, answers 5xx or    kUpstreamFailed
//                          refuses the token (kUnavailable: this server's
//                          own settings for it are wrong)
//   generator_timeout      no result within the generator's time limit     kUpstreamTimeout
//   generator_refused      the service refused the input (e.g. the prompt) kInvalidArgument
//   generator_failed       the service says it failed, or sent nonsense    kUpstreamFailed
//   render_failed          a local generator's own rendering failed        kInternal
// The code of a reason above, for a failure read back from a job (which keeps only the reason);
// kInternal for any other reason. Inline, as the rest of this header (see NotRemote).
inline ErrorCode GeneratorErrorCode(std::string_view reason) {
  if (reason == "generator_unavailable" || reason == "generator_failed") {
    return ErrorCode::kUpstreamFailed;
  }
  if (reason == "generator_timeout") return ErrorCode::kUpstreamTimeout;
  if (reason == "generator_refused") return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;
}

class Generator {
 public:
  virtual ~Generator() = default;
  virtual std::string_view name() const = 0;           // "noise", "replicate"
  virtual std::string default_model() const = 0;       // recorded when the request names none
  // All of request.seeds' images, in order, or an error and none.
  virtual Result<std::vector<GeneratedImage>> Generate(const GenerateRequest& request) = 0;

  // A remote generator makes each image elsewhere, as a prediction with an id the job runner
  // records, polls from one thread for all jobs (no thread waits on a model) and re-attaches to
  // after a restart. A local one (false) is run image by image through Generate on the runner's
  // threads.
  virtual bool remote() const { return false; }
  // The longest a job may run on this generator, from its first start (0: no limit).
  virtual int64_t time_limit_ms() const { return 0; }
  // Remote only: starts the image made with `seed`; answers the prediction's id. Errors as
  // Generate's.
  virtual Result<std::string> StartImage(const GenerateRequest&, int64_t) {
    return Unexpected(NotRemote());
  }
  // Remote only: nullopt while the prediction runs; its image (downloaded, untrusted) once it
  // succeeded; generator_failed when it failed or was canceled upstream.
  virtual Result<std::optional<GeneratedImage>> PollImage(const std::string&, int64_t) {
    return Unexpected(NotRemote());
  }
  // Remote only: asks the provider to stop a prediction, best effort.
  virtual void CancelImage(const std::string&) {}

 private:
  // A local generator has no predictions: the runner never asks it for one, and an accidental
  // call is an internal error, not a crash. (Every member is inline or pure, so the class needs
  // no home file: the service links without the generators, as the fuzz tree does.)
  Error NotRemote() const {
    return MakeError(ErrorCode::kInternal, "generator_failed",
                     "the " + std::string(name()) +
                         " generator makes images locally, not as predictions");
  }
};

}  // namespace noisett::generate
