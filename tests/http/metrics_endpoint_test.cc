// The /metrics pieces without a socket: the plain listener's handler, the request and egress
// recorders, and the capacity collector over a real LocalBlobStore with a ManualClock (its
// gauges equal what the store holds; its cache holds for the TTL and no longer).
#include "http/metrics_endpoint.h"

#include <gtest/gtest.h>

#include "core/metric_names.h"
#include "http/request_metrics.h"
#include "storage/store_fixture.h"

namespace noisett::http {
namespace {

namespace names = metrics::names;
using storage::AccessTier;

HttpRequest Get(std::string target, std::string method = "GET") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

HttpResponse Answer(const Handler& handler, const HttpRequest& request) {
  return handler.open(request)->Handle(request);
}

TEST(MetricsHandler, ServesTheTextFormatAtMetricsOnly) {
  metrics::Registry registry;
  registry.GetCounter("x_total", "X").Inc(2);
  Handler handler = MakeMetricsHandler(registry);
  HttpResponse ok = Answer(handler, Get("/metrics"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers.Get("Content-Type").value_or(""), kMetricsContentType);
  EXPECT_EQ(ok.body, "# HELP x_total X\n# TYPE x_total counter\nx_total 2\n");
  EXPECT_EQ(ok.route, "/metrics");
  EXPECT_EQ(Answer(handler, Get("/metrics", "HEAD")).status, 200);
  EXPECT_EQ(Answer(handler, Get("/api/history")).status, 404);
  EXPECT_EQ(Answer(handler, Get("/metrics", "POST")).status, 405);
  EXPECT_EQ(handler.open(Get("/metrics"))->lane(), Lane::kWorkers);
}

TEST(RequestMetrics, StatusClassesAndEgressKinds) {
  EXPECT_EQ(StatusClass(200), "2xx");
  EXPECT_EQ(StatusClass(304), "3xx");
  EXPECT_EQ(StatusClass(404), "4xx");
  EXPECT_EQ(StatusClass(503), "5xx");
  EXPECT_EQ(StatusClass(101), "1xx");
  EXPECT_EQ(StatusClass(0), "other");
  EXPECT_EQ(StatusClass(600), "other");
  EXPECT_EQ(EgressKindOf("generated/alice/J1/image_0.jpg"), "image");
  EXPECT_EQ(EgressKindOf("generated/alice/J1/thumb_image_0.webp"), "thumbnail");
  EXPECT_EQ(EgressKindOf("generated/alice/J1/metadata.json"), "other");
  EXPECT_EQ(EgressKindOf("image_1.jpg"), "image");
}

TEST(RequestMetrics, RouteAndMethodLabelsStayBounded) {
  metrics::Registry registry;
  RecordRequest("POST", "/api/images", 201, 0.2, registry);
  RecordRequest("POST", "/api/images", 201, 0.3, registry);
  RecordRequest("GET", "", 404, 0.001, registry);   // no route matched
  RecordRequest("BREW", "", 405, 0.001, registry);  // an invented method
  RecordRequest("GET", "/readyz", 503, 0.01, registry);
  auto count = [&](const metrics::Labels& labels) -> uint64_t {
    const metrics::Histogram* h = registry.FindHistogram(names::kRequestDuration, labels);
    return h ? h->Count() : 0;
  };
  EXPECT_EQ(count({{"method", "POST"}, {"route", "/api/images"}, {"status_class", "2xx"}}), 2u);
  EXPECT_EQ(count({{"method", "GET"}, {"route", "other"}, {"status_class", "4xx"}}), 1u);
  EXPECT_EQ(count({{"method", "other"}, {"route", "other"}, {"status_class", "4xx"}}), 1u);
  EXPECT_EQ(count({{"method", "GET"}, {"route", "/readyz"}, {"status_class", "5xx"}}), 1u);
  RecordEgress("image", 1000, registry);
  RecordEgress("image", 24, registry);
  RecordEgress("thumbnail", 7, registry);
  EXPECT_EQ(registry.Value(names::kEgressBytes, {{"kind", "image"}}), 1024);
  EXPECT_EQ(registry.Value(names::kEgressBytes, {{"kind", "thumbnail"}}), 7);
}

TEST(RequestMetrics, GlobalRegistryLookupsAreRememberedPerThread) {
  // The second call of each goes through the per-thread memo: it must reach the same series.
  metrics::Registry& global = metrics::Global();
  const metrics::Labels labels = {
      {"method", "PUT"}, {"route", "/test/memo"}, {"status_class", "2xx"}};
  RecordRequest("PUT", "/test/memo", 204, 0.5);
  RecordRequest("PUT", "/test/memo", 200, 0.25);
  RecordRequest("PUT", "/test/memo", 500, 0.25);
  const metrics::Histogram* h = global.FindHistogram(names::kRequestDuration, labels);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->Count(), 2u);
  EXPECT_DOUBLE_EQ(h->Sum(), 0.75);
  const double before = global.Value(names::kEgressBytes, {{"kind", "test-memo"}});
  RecordEgress("test-memo", 10);
  RecordEgress("test-memo", 5);
  EXPECT_EQ(global.Value(names::kEgressBytes, {{"kind", "test-memo"}}) - before, 15);
}

TEST(RequestMetrics, EgressSeriesStartAtZero) {
  metrics::Registry registry;
  InitServerMetrics(registry);
  const std::string text = registry.Render();
  for (const char* kind : {"image", "thumbnail", "other"}) {
    EXPECT_NE(text.find(std::string("noisett_egress_bytes_total{kind=\"") + kind + "\"} 0\n"),
              std::string::npos)
        << text;
  }
}

class CapacityTest : public storage::testing::StoreTest {
 protected:
  double Bytes(const char* tier) { return registry_.Value(names::kUsedCapacity, {{"tier", tier}}); }
  double Blobs(const char* tier) { return registry_.Value(names::kBlobs, {{"tier", tier}}); }
  metrics::Registry registry_;
};

TEST_F(CapacityTest, GaugesEqualWhatTheStoreHoldsPerTier) {
  MustPut("generated/a/j/image_0.jpg", std::string(1000, 'x'));
  MustPut("generated/a/j/image_0.jpg", std::string(300, 'y'));  // the old version still counts
  MustPut("generated/a/j/thumb_image_0.jpg", std::string(50, 'z'));
  storage::PutOptions cool;
  cool.tier = AccessTier::kCool;
  MustPut("generated/a/k/image_0.jpg", std::string(777, 'c'), cool);
  MustPut("generated/a/k/gone.jpg", std::string(10, 'd'));
  ASSERT_TRUE(store_->Delete("generated/a/k/gone.jpg"));  // soft-deleted: still billed
  ASSERT_TRUE(store_->SetTier("generated/a/j/thumb_image_0.jpg", AccessTier::kArchive));

  CapacityCollector collector(*store_, clock_, 60, registry_);
  const std::string text = registry_.Render();
  EXPECT_EQ(Bytes("hot"), 1000 + 300 + 10) << text;
  EXPECT_EQ(Blobs("hot"), 3);
  EXPECT_EQ(Bytes("cool"), 777);
  EXPECT_EQ(Blobs("cool"), 1);
  EXPECT_EQ(Bytes("cold"), 0);
  EXPECT_EQ(Blobs("cold"), 0);
  EXPECT_EQ(Bytes("archive"), 50);
  EXPECT_NE(text.find("noisett_blob_used_capacity_bytes{tier=\"archive\"} 50\n"), std::string::npos)
      << text;
  EXPECT_EQ(registry_.Value(names::kCapacityScanErrors), 0);
}

TEST_F(CapacityTest, ScanIsCachedForTheTtlOnly) {
  MustPut("generated/a/j/image_0.jpg", std::string(100, 'x'));
  CapacityCollector collector(*store_, clock_, 60, registry_);
  (void)registry_.Render();
  EXPECT_EQ(Bytes("hot"), 100);
  MustPut("generated/a/j/image_1.jpg", std::string(20, 'x'));
  clock_.Advance(59);
  (void)registry_.Render();
  EXPECT_EQ(Bytes("hot"), 100);  // cached: the new blob is not seen yet
  EXPECT_EQ(collector.scans(), 1);
  clock_.Advance(1);
  (void)registry_.Render();
  EXPECT_EQ(Bytes("hot"), 120);
  EXPECT_EQ(collector.scans(), 2);
}

TEST_F(CapacityTest, ZeroTtlScansOnEveryScrape) {
  CapacityCollector collector(*store_, clock_, 0, registry_);
  (void)registry_.Render();
  EXPECT_EQ(Bytes("hot"), 0);
  MustPut("generated/a/j/image_0.jpg", std::string(5, 'x'));
  (void)registry_.Render();
  EXPECT_EQ(Bytes("hot"), 5);
  EXPECT_EQ(collector.scans(), 2);
}

TEST_F(CapacityTest, DestroyedCollectorNoLongerRuns) {
  {
    CapacityCollector collector(*store_, clock_, 0, registry_);
    (void)registry_.Render();
  }
  MustPut("generated/a/j/image_0.jpg", std::string(5, 'x'));
  (void)registry_.Render();  // would read a dead collector if it were still registered
  EXPECT_EQ(Bytes("hot"), 0);
}

}  // namespace
}  // namespace noisett::http
