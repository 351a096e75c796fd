// Wiring for `noisett serve`: auth, back end, API, server.
#include "cli/serve_command.h"

#include <memory>

#include "auth/authenticator.h"
#include "cli/lifecycle_loop.h"
#include "core/clock.h"
#include "core/env.h"
#include "core/log.h"
#include "http/api.h"
#include "http/metrics_endpoint.h"
#include "http/server.h"
#include "image/pipeline.h"

namespace noisett::cli {
namespace {

int CannotStart(std::FILE* err, const Error& e) {
  std::fprintf(err, "noisett serve: %s\n", e.ToString().c_str());
  return 2;
}

// The capacity flags onto the server's options (0 threads keeps one per core).
Status ApplyCapacity(const ServeArgs& args, http::ServerOptions& options) {
  auto held = ParseUintWithSuffix(args.max_held_body, "max-held-body");
  if (!held) return Unexpected(held.error());
  if (*held == 0 || args.max_connections == 0) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_capacity",
                                "--max-held-body and --max-connections must be above 0"));
  }
  options.max_held_body_bytes = *held;
  options.max_connections = args.max_connections;
  if (args.io_threads > 0) options.threads = args.io_threads;
  if (args.workers > 0) options.worker_threads = args.workers;
  if (args.read_threads > 0) options.read_threads = args.read_threads;
  return Ok();
}

std::string HumanBytes(uint64_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes >> 10) + " KiB";
}

// "2 I/O threads, 2 workers, 2 read threads, up to 1024 connections, 32 MiB of upload bodies
// held at once"
std::string DescribeCapacity(const http::ServerOptions& o) {
  return std::to_string(o.threads) + " I/O threads, " + std::to_string(o.worker_threads) +
         " workers, " + std::to_string(o.read_threads) + " read threads, up to " +
         std::to_string(o.max_connections) + " connections, " +
         HumanBytes(o.max_held_body_bytes) + " of upload bodies held at once";
}

}  // namespace

int RunServe(ServeArgs args, std::FILE* err) {
  image::InitPipeline();  // before any thread: it sets up libvips once
  const Clock& clock = SystemClock::Instance();
  auto interval = ParseLifecycleInterval(args.lifecycle_interval);
  if (!interval) return CannotStart(err, interval.error());
  http::ServerOptions options;
  if (auto ok = ApplyCapacity(args, options); !ok) return CannotStart(err, ok.error());
  auto auth_config = AuthConfigFromFlags(args.auth);
  if (!auth_config) return CannotStart(err, auth_config.error());
  auto validator = auth::MakeValidator(*auth_config, clock);
  if (!validator) return CannotStart(err, validator.error());
  auth::Authenticator authenticator(auth_config->mode, std::move(*validator));

  args.backend.data_dir = args.auth.data_dir;  // one --data-dir for keys, blobs and catalog

  // Bind first, so links made by default point at the port really bound (--listen HOST:0).
  // Connections wait in the backlog until Run() gets the API's handler.
  options.listen = args.listen;
  options.handle_signals = true;
  // The upload limit is the body limit: a larger Content-Length gets 413 before it is read.
  options.max_body_bytes = args.backend.optimize.limits.max_bytes;
  auto server = http::Server::Create(options);
  if (!server) return CannotStart(err, server.error());
  const std::string bound =
      args.listen.substr(0, args.listen.rfind(':') + 1) + std::to_string((*server)->Port());
  if (args.backend.public_url.empty()) args.backend.public_url = "http://" + bound;
  std::unique_ptr<http::MetricsListener> metrics_listener;
  if (!args.metrics_addr.empty()) {
    auto listener = http::MetricsListener::Start(args.metrics_addr);
    if (!listener) return CannotStart(err, listener.error());
    metrics_listener = std::move(*listener);
  }

  auto backend = Backend::Open(args.backend, clock);
  if (!backend) return CannotStart(err, backend.error());
  auto web = WebConfigFromFlags(
      args.web, *auth_config, (*backend)->generator_name(),
      {args.backend.public_url, args.backend.cdn_url, (*backend)->store_url()});
  if (!web) return CannotStart(err, web.error());
  http::ApiDeps deps{(*backend)->service(), authenticator, (*backend)->local_links(),
                     (*backend)->blobs(), (*backend)->container(), clock};
  deps.web = &*web;
  http::CapacityCollector capacity((*backend)->blobs(), clock, args.metrics_capacity_ttl_s);
  if (metrics_listener) {
    LogInfo("noisett metrics on http://" +
            args.metrics_addr.substr(0, args.metrics_addr.rfind(':') + 1) +
            std::to_string(metrics_listener->port()) + "/metrics");
  }
  LogInfo("noisett serving on http://" + bound + " (auth " +
          std::string(auth::AuthModeName(auth_config->mode)) + "; " + (*backend)->description() +
          "; links " +
          ((*backend)->local_links() ? args.backend.public_url : std::string("Azure SAS")) +
          "; generator " + std::string((*backend)->generator_name()) + "; gallery " +
          (web->site ? "http://" + bound + "/" : std::string("off")) + "; " +
          DescribeCapacity((*server)->options()) + ")");
  std::unique_ptr<LifecycleLoop> sweeps;
  if ((*backend)->applies_lifecycle() && *interval > 0) {
    sweeps = std::make_unique<LifecycleLoop>((*backend)->service(), *interval);
  }
  (*server)->Run(http::MakeApiHandler(deps));
  metrics_listener.reset();  // no scrape may run the capacity collector once it goes
  sweeps.reset();  // before the back end it sweeps goes
  LogInfo("noisett stopped");
  return 0;
}

}  // namespace noisett::cli
