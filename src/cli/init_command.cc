// noisett init; see init_command.h.
#include "cli/init_command.h"

#include "app/app.h"
#include "cli/exit_codes.h"

namespace noisett::cli {

int RunInit(const app::Config& config, std::FILE* out, std::FILE* err) {
  const bool existed = static_cast<bool>(app::CheckStoreExists(config));
  app::AppOptions options;
  options.create_store = true;
  auto opened = app::App::Open(config, options);
  if (!opened) {
    std::fprintf(err, "noisett init: %s\n", opened.error().ToString().c_str());
    return kExitUsage;
  }
  std::fprintf(out, "%s store: %s\n", existed ? "existing" : "created",
               (*opened)->description().c_str());
  return kExitOk;
}

}  // namespace noisett::cli
