// GET /metrics: the process's metrics (core/metrics.h) in the Prometheus text format, version
// 0.0.4. Two ways in: the API listener's route, for an admin token only (api.cc), and a separate
// listener without auth (`serve --metrics-addr`, NOISETT_METRICS_ADDR) for a Prometheus on a
// private network. Also the scrape-time collector of the used-capacity gauges, which lists the
// store, so it caches its scan for a configurable time: a scrape of a big Azure container every
// 15 s must not be a full listing each time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.h"
#include "core/metrics.h"
#include "http/http_types.h"
#include "http/server.h"
#include "lifecycle/usage.h"
#include "storage/blob_store.h"

namespace noisett::http {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// 200 with registry.Render() (collectors run first); never cached by anyone.
HttpResponse MetricsResponse(metrics::Registry& registry);

// The handler of the plain metrics listener: GET|HEAD /metrics, 404 for any other path, 405 for
// another method. No authentication: bind it to an address only Prometheus reaches.
Handler MakeMetricsHandler(metrics::Registry& registry = metrics::Global());

// Creates the series that must exist at 0 before anything happens (so increase() and rate()
// see them from the first scrape): egress by kind.
void InitServerMetrics(metrics::Registry& registry = metrics::Global());

// The plain metrics listener (`serve --metrics-addr HOST:PORT`): MakeMetricsHandler on its own
// server and thread, without access log lines (a scrape every 15 s would drown the log).
class MetricsListener final {
 public:
  // Binds `listen` and starts serving. Errors: Server::Create's (bad_listen, listen_failed).
  static Result<std::unique_ptr<MetricsListener>> Start(
      const std::string& listen, metrics::Registry& registry = metrics::Global());
  ~MetricsListener();  // graceful stop, then joins the thread
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  uint16_t port() const { return server_->Port(); }

 private:
  MetricsListener(std::unique_ptr<Server> server, Handler handler);
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// noisett_blob_used_capacity_bytes{tier} and noisett_blobs{tier} (hot, cool, cold, archive),
// refreshed at scrape time from lifecycle::ScanUsage(store) when the last scan is older than
// ttl_s seconds (0: every scrape). Concurrent scrapes share one scan. A failed scan keeps the
// previous values, is logged, and counts in noisett_capacity_scan_errors_total.
class CapacityCollector final {
 public:
  // Registers with `registry` until destroyed. `store` and `clock` must outlive this object.
  CapacityCollector(storage::BlobStore& store, const Clock& clock, int64_t ttl_s,
                    metrics::Registry& registry = metrics::Global());
  ~CapacityCollector();
  CapacityCollector(const CapacityCollector&) = delete;
  CapacityCollector& operator=(const CapacityCollector&) = delete;

  // How many scans ran (tests: the cache works).
  int64_t scans() const;

 private:
  void Collect(metrics::Registry& registry);

  storage::BlobStore& store_;
  const Clock& clock_;
  int64_t ttl_s_;
  metrics::Registry& registry_;
  size_t collector_id_ = 0;
  mutable std::mutex mu_;              // one scan at a time; guards what follows
  std::optional<int64_t> scanned_at_;  // clock seconds of the last good scan
  int64_t scans_ = 0;
};

}  // namespace noisett::http
