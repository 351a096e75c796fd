// `noisett serve`: the HTTP API, the signed blob links and the web gallery, on the
// embedded back end, until SIGTERM / SIGINT (graceful: in-flight requests finish).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "cli/auth_commands.h"
#include "cli/backend.h"
#include "cli/web_setup.h"

namespace noisett::cli {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";  // NOISETT_LISTEN
  std::string lifecycle_interval = "24h";  // NOISETT_LIFECYCLE_INTERVAL (local store only)
  std::string metrics_addr;                 // NOISETT_METRICS_ADDR: plain /metrics listener
  int64_t metrics_capacity_ttl_s = 60;      // NOISETT_METRICS_CAPACITY_TTL: capacity scan cache
  // The server's capacity (http::ServerOptions); 0 threads: one per core.
  unsigned io_threads = 0;                  // NOISETT_IO_THREADS
  unsigned workers = 0;                     // NOISETT_WORKERS
  unsigned read_threads = 0;                // NOISETT_READ_THREADS
  size_t max_connections = 1024;            // NOISETT_MAX_CONNECTIONS
  std::string max_held_body = "32M";        // NOISETT_MAX_HELD_BODY (K/M/G suffixes)
  AuthFlags auth;
  BackendFlags backend;
  WebFlags web;
};

// Exit status: 0 after a graceful stop; 2 when it cannot start (reason on `err`).
int RunServe(ServeArgs args, std::FILE* err);

}  // namespace noisett::cli
