// `noisett catalog.rebuild` and `noisett fsck [--repair]`: the operator's maintenance commands
// (docs/maintenance.md). CLI only, never in the HTTP command registry: they read every user's
// data. Both open the same store and catalog `serve` would (app::App), show a progress bar on
// stderr, and print a summary (or --json) on stdout.
#pragma once

#include <cstdio>
#include <string>

#include "app/config.h"

namespace noisett::cli {

struct MaintenanceArgs {
  bool json = false;
  bool repair = false;         // fsck only
  std::string grace = "1h";    // fsck only: "3600", "90s", "30m", "1h", "7d"
};

// Exit status: 0 every job folder was added or already present, whole; 1 something was skipped
// or added incomplete, or a name was unexpected (each listed); 2 usage or set-up error (the store
// or catalog cannot be opened or listed).
int RunCatalogRebuild(const MaintenanceArgs& args, const app::Config& config, std::FILE* out,
                      std::FILE* err);

// Exit status: 0 no findings (or, with --repair, every finding repaired); 1 findings remain (each
// listed with what --repair did or why not); 2 usage or set-up error.
int RunFsck(const MaintenanceArgs& args, const app::Config& config, std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
