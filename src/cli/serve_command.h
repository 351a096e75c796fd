// `noisett serve`: the HTTP API, the signed blob links and the web gallery, on the store and
// catalog app::App opens from the configuration, until SIGTERM / SIGINT (graceful: in-flight
// requests finish).
#pragma once

#include <cstdio>

#include "app/config.h"

namespace noisett::cli {

// Exit status: 0 after a graceful stop; 2 when it cannot start (reason on `err`).
int RunServe(app::Config config, std::FILE* err);

}  // namespace noisett::cli
