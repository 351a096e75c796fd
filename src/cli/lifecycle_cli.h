// `noisett lifecycle.run [--dry-run] [--json]` and `noisett lifecycle.export`: the operator's
// side of the lifecycle policy (docs/lifecycle.md). lifecycle.run applies the policy to the local
// store as `serve`'s periodic sweep does, with a progress bar on stderr and a summary (count and
// bytes per action, per tier) on stdout; lifecycle.export prints the policy JSON for
// `az storage account management-policy create --policy @FILE`.
#pragma once

#include <cstdio>

#include "app/config.h"

namespace noisett::cli {

struct LifecycleArgs {
  bool dry_run = false;
  bool json = false;
};

// Exit status: 0 the pass ran with no error; 1 some blobs failed (each listed); 2 set-up error,
// or the store is Azure (Azure applies the policy itself).
int RunLifecycleSweep(const LifecycleArgs& args, const app::Config& config, std::FILE* out,
                      std::FILE* err);
// Exit status: 0 printed; 2 set-up error (a bad policy file or retention days).
int RunLifecycleExport(const app::Config& config, std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
