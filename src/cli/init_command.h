// `noisett init`: creates the store the configuration names (data directory, local blob store,
// SQLite catalog with its schema, link keys), as the first `noisett serve` would. Every other
// command that reads or changes the store refuses a missing one (app::CheckStoreExists), so a
// mistyped --data-dir fails loudly instead of answering from a new, empty store.
#pragma once

#include <cstdio>

#include "app/config.h"

namespace noisett::cli {

// Exit status: 0 the store exists now (made here, or already there: init is idempotent);
// 2 it cannot be created (the reason on `err`).
int RunInit(const app::Config& config, std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
