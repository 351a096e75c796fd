// Wiring for `noisett serve`: bind, open the App, API, server.
#include "cli/serve_command.h"

#include <memory>

#include "app/app.h"
#include "cli/lifecycle_loop.h"
#include "cli/web_setup.h"
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

// The server's options from the configuration (0 threads keeps one per core).
http::ServerOptions ServerOptionsFor(const app::Config& config) {
  const app::ServeConfig& serve = config.serve;
  http::ServerOptions options;
  options.listen = serve.listen;
  options.handle_signals = true;
  // The upload limit is the body limit: a larger Content-Length gets 413 before it is read.
  options.max_body_bytes = config.backend.optimize.limits.max_bytes;
  options.max_held_body_bytes = serve.max_held_body_bytes;
  options.max_connections = serve.max_connections;
  options.cors_origins = serve.cors_origins;
  if (serve.io_threads > 0) options.threads = serve.io_threads;
  if (serve.workers > 0) options.worker_threads = serve.workers;
  if (serve.read_threads > 0) options.read_threads = serve.read_threads;
  return options;
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

int RunServe(app::Config config, std::FILE* err) {
  image::InitPipeline();  // before any thread: it sets up libvips once
  // Bind first, so links made by default point at the port really bound (--listen HOST:0).
  // Connections wait in the backlog until Run() gets the API's handler.
  auto server = http::Server::Create(ServerOptionsFor(config));
  if (!server) return CannotStart(err, server.error());
  const std::string& listen = config.serve.listen;
  const std::string bound =
      listen.substr(0, listen.rfind(':') + 1) + std::to_string((*server)->Port());
  if (config.backend.public_url.empty()) config.backend.public_url = "http://" + bound;
  std::unique_ptr<http::MetricsListener> metrics_listener;
  if (!config.serve.metrics_addr.empty()) {
    auto listener = http::MetricsListener::Start(config.serve.metrics_addr);
    if (!listener) return CannotStart(err, listener.error());
    metrics_listener = std::move(*listener);
  }

  app::AppOptions app_options;
  app_options.authenticator = true;
  app_options.create_store = true;  // a first start creates the store
  auto opened = app::App::Open(config, app_options);
  if (!opened) return CannotStart(err, opened.error());
  app::App& app = **opened;
  auto web = WebConfigFromSettings(config, app.generator().name(),
                                   {app.public_url(), config.backend.cdn_url, app.store_url()});
  if (!web) return CannotStart(err, web.error());
  http::ApiDeps deps{app.service(), *app.authenticator(), app.local_links(),
                     app.blobs(),   app.container(),      app.clock()};
  deps.metrics = &app.metrics();
  deps.web = &*web;
  http::CapacityCollector capacity(app.blobs(), app.clock(), config.serve.metrics_capacity_ttl_s);
  if (metrics_listener) {
    const std::string& addr = config.serve.metrics_addr;
    LogInfo("noisett metrics on http://" + addr.substr(0, addr.rfind(':') + 1) +
            std::to_string(metrics_listener->port()) + "/metrics");
  }
  LogInfo("noisett serving on http://" + bound + " (auth " +
          std::string(auth::AuthModeName(config.auth.mode)) + "; " + app.description() +
          "; links " + (app.local_links() ? app.public_url() : std::string("Azure SAS")) +
          "; generator " + std::string(app.generator().name()) + "; gallery " +
          (web->site ? "http://" + bound + "/" : std::string("off")) + "; " +
          DescribeCapacity((*server)->options()) + ")");
  if (!config.serve.cors_origins.empty()) {
    std::string origins;
    for (const std::string& origin : config.serve.cors_origins) {
      origins += (origins.empty() ? "" : ", ") + origin;
    }
    LogInfo("noisett CORS: pages from " + origins + " may read the answers (docs/api.md#cors)");
  }
  std::unique_ptr<LifecycleLoop> sweeps;
  if (app.applies_lifecycle() && config.serve.lifecycle_interval_s > 0) {
    sweeps = std::make_unique<LifecycleLoop>(app.service().lifecycle(),
                                             config.serve.lifecycle_interval_s);
  }
  app.StartJobRunner();
  if (service::RenditionWorker* renditions = app.service().renditions()) renditions->Start();
  (*server)->Run(http::MakeApiHandler(deps));
  // SIGTERM: jobs running here are left to be resumed (by this instance's next start or another
  // instance), their images stored so far kept.
  app.StopJobRunner();
  if (service::RenditionWorker* renditions = app.service().renditions()) renditions->Stop();
  metrics_listener.reset();  // no scrape may run the capacity collector once it goes
  sweeps.reset();            // before the App it sweeps goes
  LogInfo("noisett stopped");
  return 0;
}

}  // namespace noisett::cli
