// `noisett serve`: the HTTP API, the signed blob links and (later) the web gallery, on the
// embedded back end, until SIGTERM / SIGINT (graceful: in-flight requests finish).
#pragma once

#include <cstdio>
#include <string>

#include "cli/auth_commands.h"
#include "cli/backend.h"

namespace noisett::cli {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";  // NOISETT_LISTEN
  AuthFlags auth;
  BackendFlags backend;
};

// Exit status: 0 after a graceful stop; 2 when it cannot start (reason on `err`).
int RunServe(ServeArgs args, std::FILE* err);

}  // namespace noisett::cli
