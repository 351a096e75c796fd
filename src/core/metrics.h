// Process metrics in the Prometheus text exposition format (version 0.0.4), for GET /metrics.
// Counters, gauges and histograms are created once by name and label values and then updated
// lock-free from any thread; the registry renders them sorted by name, then labels, so the output
// is stable. Collectors run at render time for values read on demand (capacity by tier).
//
// One registry per process (Global()): metrics count what this process did, which is what a
// Prometheus scrape of one instance means. Tests read values back with Value().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace noisett::metrics {

// Label name → value, sorted by name. Values are escaped on output (\\, \", \n).
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(double by = 1.0);  // by >= 0
  double Value() const;
 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double value);
  void Add(double by);
  double Value() const;
 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // ascending; +Inf is implied
  void Observe(double value);
  uint64_t Count() const;
  double Sum() const;
  // Cumulative counts per upper bound (the last one is +Inf).
  std::vector<uint64_t> CumulativeCounts() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Observes the seconds elapsed since `start`.
  void ObserveSince(std::chrono::steady_clock::time_point start) {
    Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
};

// Seconds: 5 ms .. 30 s, for request and pipeline durations.
std::vector<double> DurationBuckets();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Finds or creates. The same name must keep one type and help text; the returned reference
  // stays valid for the registry's lifetime.
  Counter& GetCounter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, Labels labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help, Labels labels = {},
                          std::vector<double> upper_bounds = DurationBuckets());

  // Runs before every Render (e.g. to refresh gauges from a store scan), outside the registry's
  // lock, possibly from several scrapes at once. Returns an id for RemoveCollector: a collector
  // over objects that die before the registry (the store of one `serve`) must be removed first.
  size_t AddCollector(std::function<void(Registry&)> collector);
  void RemoveCollector(size_t id);

  // The text format: # HELP, # TYPE, then samples (histograms as _bucket{le}, _sum, _count).
  std::string Render();

  // The current value of a counter or gauge; 0 when it does not exist. For tests and
  // cost.estimate (operations and egress so far).
  double Value(std::string_view name, const Labels& labels = {}) const;
  // Sum over every label set of a counter or gauge named `name`.
  double Sum(std::string_view name) const;
  // Every label set of a counter or gauge named `name` with its value (none when it does not
  // exist). Collectors do not run: this reads what was counted.
  std::vector<std::pair<Labels, double>> Samples(std::string_view name) const;
  // The histogram with exactly these labels, or null (tests).
  const Histogram* FindHistogram(std::string_view name, const Labels& labels = {}) const;

 private:
  struct Family;
  Family& FamilyFor(std::string_view name, std::string_view help, int type);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  std::map<size_t, std::function<void(Registry&)>> collectors_;
  size_t next_collector_ = 1;
};

Registry& Global();

}  // namespace noisett::metrics
