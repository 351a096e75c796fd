// A local generator has no predictions: the runner never asks it for one, and an accidental call
// is an internal error, not a crash.
#include "generate/generator.h"

namespace noisett::generate {
namespace {

Error NotRemote(std::string_view name) {
  return MakeError(ErrorCode::kInternal, "generator_failed",
                   "the " + std::string(name) + " generator makes images locally, not as predictions");
}

}  // namespace

Result<std::string> Generator::StartImage(const GenerateRequest&, int64_t) {
  return Unexpected(NotRemote(name()));
}

Result<std::optional<GeneratedImage>> Generator::PollImage(const std::string&, int64_t) {
  return Unexpected(NotRemote(name()));
}

void Generator::CancelImage(const std::string&) {}

}  // namespace noisett::generate
