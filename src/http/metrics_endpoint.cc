// The /metrics answer, the plain metrics listener's handler and the capacity collector.
#include "http/metrics_endpoint.h"

#include <string>

#include "core/log.h"
#include "core/metric_names.h"
#include "core/text.h"
#include "http/router.h"

namespace noisett::http {
namespace {

std::string TierLabel(storage::AccessTier tier) {
  return AsciiLowercase(storage::AccessTierName(tier));  // "hot", "cool", "cold", "archive"
}

}  // namespace

HttpResponse MetricsResponse(metrics::Registry& registry) {
  HttpResponse res;
  res.status = 200;
  res.body = registry.Render();
  res.headers.Set("Content-Type", std::string(kMetricsContentType));
  res.headers.Set("Cache-Control", "no-store");
  return res;
}

Handler MakeMetricsHandler(metrics::Registry& registry) {
  auto router = std::make_shared<Router>();
  for (const char* method : {"GET", "HEAD"}) {
    router->Add(
        method, "/metrics",
        [&registry](const HttpRequest&, const RouteParams&) { return MetricsResponse(registry); },
        Lane::kWorkers);  // collectors may list the store
  }
  return RouterHandler(router);
}

Result<std::unique_ptr<MetricsListener>> MetricsListener::Start(const std::string& listen,
                                                                metrics::Registry& registry) {
  ServerOptions options;
  options.listen = listen;
  options.threads = 1;
  options.worker_threads = 1;
  options.max_body_bytes = 1024;  // GET only: nothing to upload here
  options.max_connections = 64;
  options.access_log = false;
  auto server = Server::Create(options);
  if (!server) return Unexpected(server.error());
  return std::unique_ptr<MetricsListener>(
      new MetricsListener(std::move(*server), MakeMetricsHandler(registry)));
}

MetricsListener::MetricsListener(std::unique_ptr<Server> server, Handler handler)
    : server_(std::move(server)), thread_([this, handler = std::move(handler)]() mutable {
        server_->Run(std::move(handler));
      }) {}

MetricsListener::~MetricsListener() {
  server_->Stop();
  thread_.join();
}

void InitServerMetrics(metrics::Registry& registry) {
  for (const char* kind : {"image", "thumbnail", "other"}) {
    registry.GetCounter(metrics::names::kEgressBytes, metrics::names::kEgressBytesHelp,
                        {{"kind", kind}});
  }
}

CapacityCollector::CapacityCollector(storage::BlobStore& store, const Clock& clock, int64_t ttl_s,
                                     metrics::Registry& registry)
    : store_(store), clock_(clock), ttl_s_(ttl_s < 0 ? 0 : ttl_s), registry_(registry) {
  registry_.GetCounter(metrics::names::kCapacityScanErrors,
                       metrics::names::kCapacityScanErrorsHelp);
  collector_id_ = registry_.AddCollector([this](metrics::Registry& r) { Collect(r); });
}

CapacityCollector::~CapacityCollector() { registry_.RemoveCollector(collector_id_); }

int64_t CapacityCollector::scans() const {
  std::lock_guard lock(mu_);
  return scans_;
}

void CapacityCollector::Collect(metrics::Registry& registry) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowSeconds();
  if (scanned_at_ && ttl_s_ > 0 && now - *scanned_at_ < ttl_s_) return;  // the gauges are fresh
  ++scans_;
  auto usage = lifecycle::ScanUsage(store_);
  if (!usage) {
    LogWarn("metrics: capacity scan failed: " + usage.error().ToString());
    registry
        .GetCounter(metrics::names::kCapacityScanErrors, metrics::names::kCapacityScanErrorsHelp)
        .Inc();
    return;
  }
  for (const auto& [tier, tier_usage] : usage->tiers) {
    const metrics::Labels labels = {{"tier", TierLabel(tier)}};
    registry.GetGauge(metrics::names::kUsedCapacity, metrics::names::kUsedCapacityHelp, labels)
        .Set(double(tier_usage.bytes));
    registry.GetGauge(metrics::names::kBlobs, metrics::names::kBlobsHelp, labels)
        .Set(double(tier_usage.blobs));
  }
  scanned_at_ = now;
}

}  // namespace noisett::http
