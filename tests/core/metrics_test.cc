// The metrics registry: the exact Prometheus text (version 0.0.4) for counters, gauges and
// histograms with labels and escaping, values read back, and updates from many threads.
#include "core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace noisett::metrics {
namespace {

TEST(MetricsRender, EmptyRegistryRendersNothing) {
  Registry registry;
  EXPECT_EQ(registry.Render(), "");
}

TEST(MetricsRender, CounterWithLabelsSortedByNameThenLabels) {
  Registry registry;
  registry.GetCounter("b_total", "Second family", {{"op", "put"}, {"result", "ok"}}).Inc(3);
  // Labels given out of order are sorted by name, so both calls name the same series.
  registry.GetCounter("b_total", "Second family", {{"result", "ok"}, {"op", "put"}}).Inc();
  registry.GetCounter("b_total", "Second family", {{"op", "get"}, {"result", "BlobNotFound"}})
      .Inc();
  registry.GetCounter("a_total", "First family").Inc(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP a_total First family\n"
            "# TYPE a_total counter\n"
            "a_total 0.5\n"
            "# HELP b_total Second family\n"
            "# TYPE b_total counter\n"
            "b_total{op=\"get\",result=\"BlobNotFound\"} 1\n"
            "b_total{op=\"put\",result=\"ok\"} 4\n");
}

TEST(MetricsRender, GaugeValuesInGoFloatSyntax) {
  Registry registry;
  registry.GetGauge("g", "A gauge", {{"tier", "hot"}}).Set(80000000000);
  registry.GetGauge("g", "A gauge", {{"tier", "cool"}}).Set(-1.25);
  registry.GetGauge("g", "A gauge", {{"tier", "inf"}}).Set(std::numeric_limits<double>::infinity());
  registry.GetGauge("g", "A gauge", {{"tier", "nan"}}).Set(std::nan(""));
  EXPECT_EQ(registry.Render(),
            "# HELP g A gauge\n"
            "# TYPE g gauge\n"
            "g{tier=\"cool\"} -1.25\n"
            "g{tier=\"hot\"} 80000000000\n"
            "g{tier=\"inf\"} +Inf\n"
            "g{tier=\"nan\"} NaN\n");
}

TEST(MetricsRender, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.GetCounter("e_total", "Help with \\ and\nnewline \"quoted\"", {{"path", "a\\b\"c\"\nd"}})
      .Inc();
  // HELP escapes backslash and newline only; label values also the double quote.
  EXPECT_EQ(registry.Render(),
            "# HELP e_total Help with \\\\ and\\nnewline \"quoted\"\n"
            "# TYPE e_total counter\n"
            "e_total{path=\"a\\\\b\\\"c\\\"\\nd\"} 1\n");
}

TEST(MetricsHistogram, ObserveSinceRecordsTheElapsedSeconds) {
  Histogram h(DurationBuckets());
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  h.ObserveSince(start);
  const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(h.Count(), 1u);
  EXPECT_GE(h.Sum(), 0.020);
  EXPECT_LE(h.Sum(), after);
}

TEST(MetricsRender, HistogramBucketsSumAndCount) {
  Registry registry;
  Histogram& h =
      registry.GetHistogram("d_seconds", "Durations",
                            {{"route", "/api/images"}, {"status_class", "2xx"}}, {0.125, 1, 2.5});
  // Binary fractions, so the sum is exact.
  h.Observe(0.0625);
  h.Observe(0.125);  // an upper bound is inclusive ("le")
  h.Observe(2);
  h.Observe(7);
  EXPECT_EQ(registry.Render(),
            "# HELP d_seconds Durations\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{route=\"/api/images\",status_class=\"2xx\",le=\"0.125\"} 2\n"
            "d_seconds_bucket{route=\"/api/images\",status_class=\"2xx\",le=\"1\"} 2\n"
            "d_seconds_bucket{route=\"/api/images\",status_class=\"2xx\",le=\"2.5\"} 3\n"
            "d_seconds_bucket{route=\"/api/images\",status_class=\"2xx\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{route=\"/api/images\",status_class=\"2xx\"} 9.1875\n"
            "d_seconds_count{route=\"/api/images\",status_class=\"2xx\"} 4\n");
  EXPECT_EQ(h.Count(), 4u);
  EXPECT_DOUBLE_EQ(h.Sum(), 9.1875);
  EXPECT_EQ(h.CumulativeCounts(), (std::vector<uint64_t>{2, 2, 3, 4}));
}

TEST(MetricsRender, HistogramWithoutLabelsAndDefaultBuckets) {
  Registry registry;
  registry.GetHistogram("p_seconds", "Pipeline").Observe(0.003);
  const std::string out = registry.Render();
  EXPECT_NE(out.find("p_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("p_seconds_bucket{le=\"30\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("p_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("p_seconds_sum 0.003\np_seconds_count 1\n"), std::string::npos) << out;
  EXPECT_EQ(DurationBuckets().size(), 12u);
  EXPECT_DOUBLE_EQ(DurationBuckets().front(), 0.005);
  EXPECT_DOUBLE_EQ(DurationBuckets().back(), 30);
}

TEST(MetricsRender, CollectorsRunBeforeEveryRender) {
  Registry registry;
  int runs = 0;
  registry.AddCollector([&runs](Registry& r) {
    ++runs;
    r.GetGauge("c", "Collected").Set(runs * 10);
  });
  EXPECT_EQ(registry.Render(), "# HELP c Collected\n# TYPE c gauge\nc 10\n");
  EXPECT_EQ(registry.Render(), "# HELP c Collected\n# TYPE c gauge\nc 20\n");
  EXPECT_EQ(runs, 2);
}

TEST(MetricsRender, RemovedCollectorNoLongerRuns) {
  Registry registry;
  int runs = 0;
  const size_t id = registry.AddCollector([&runs](Registry&) { ++runs; });
  (void)registry.Render();
  registry.RemoveCollector(id);
  (void)registry.Render();
  EXPECT_EQ(runs, 1);
}

TEST(MetricsValues, ValueAndSumReadCountersAndGauges) {
  Registry registry;
  registry.GetCounter("ops_total", "Ops", {{"op", "put"}}).Inc(2);
  registry.GetCounter("ops_total", "Ops", {{"op", "get"}}).Inc(5);
  registry.GetGauge("bytes", "Bytes", {{"tier", "hot"}}).Set(100);
  registry.GetGauge("bytes", "Bytes", {{"tier", "cool"}}).Add(20);
  registry.GetGauge("bytes", "Bytes", {{"tier", "cool"}}).Add(-5);
  EXPECT_EQ(registry.Value("ops_total", {{"op", "put"}}), 2);
  EXPECT_EQ(registry.Value("ops_total", {{"op", "get"}}), 5);
  EXPECT_EQ(registry.Value("ops_total", {{"op", "delete"}}), 0);
  EXPECT_EQ(registry.Value("missing_total"), 0);
  EXPECT_EQ(registry.Sum("ops_total"), 7);
  EXPECT_EQ(registry.Sum("bytes"), 115);
  EXPECT_EQ(registry.Sum("missing"), 0);
  EXPECT_EQ(registry.FindHistogram("ops_total", {{"op", "put"}}), nullptr);
}

TEST(MetricsValues, CounterNeverGoesDown) {
  Registry registry;
  Counter& c = registry.GetCounter("c_total", "C");
  c.Inc(3);
  c.Inc(-1);
  EXPECT_EQ(c.Value(), 3);
}

TEST(MetricsValues, SameNameAndLabelsIsTheSameObject) {
  Registry registry;
  Counter& a = registry.GetCounter("x_total", "X", {{"k", "v"}});
  Counter& b = registry.GetCounter("x_total", "X", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  Histogram& h = registry.GetHistogram("h_seconds", "H", {{"k", "v"}});
  EXPECT_EQ(registry.FindHistogram("h_seconds", {{"k", "v"}}), &h);
}

TEST(MetricsDeath, OneNameKeepsOneType) {
  Registry registry;
  registry.GetCounter("t_total", "T");
  EXPECT_DEATH(registry.GetGauge("t_total", "T"), "another type");
}

TEST(MetricsConcurrency, IncObserveAndRenderFromManyThreads) {
  Registry registry;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      // Half the threads find the series themselves, so creation races too.
      Counter& shared = registry.GetCounter("n_total", "N", {{"k", "shared"}});
      Counter& own = registry.GetCounter("n_total", "N", {{"k", std::to_string(t)}});
      Histogram& h = registry.GetHistogram("h_seconds", "H", {}, {0.5});
      Gauge& g = registry.GetGauge("g", "G");
      for (int i = 0; i < kPerThread; ++i) {
        shared.Inc();
        own.Inc(0.5);
        h.Observe(i % 2 == 0 ? 0.25 : 1.0);
        g.Add(1);
        if (i % 5000 == 0) (void)registry.Render();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(registry.Value("n_total", {{"k", "shared"}}), kThreads * kPerThread);
  EXPECT_EQ(registry.Value("n_total", {{"k", "3"}}), kPerThread * 0.5);
  EXPECT_EQ(registry.Sum("n_total"), kThreads * kPerThread * 1.5);
  EXPECT_EQ(registry.Value("g"), kThreads * kPerThread);
  const Histogram* h = registry.FindHistogram("h_seconds");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->Count(), uint64_t(kThreads) * kPerThread);
  EXPECT_EQ(h->CumulativeCounts().front(), uint64_t(kThreads) * kPerThread / 2);
  EXPECT_DOUBLE_EQ(h->Sum(), kThreads * kPerThread / 2 * 1.25);
}

TEST(MetricsGlobal, OneRegistryPerProcess) { EXPECT_EQ(&Global(), &Global()); }

}  // namespace
}  // namespace noisett::metrics
