// The metrics registry and the Prometheus text format (version 0.0.4).
#include "core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace noisett::metrics {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };

constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};

void AtomicAdd(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

Labels Sorted(Labels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

// Go's float syntax, which Prometheus parses: shortest round-trip digits, "+Inf", "NaN".
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  // Whole numbers (counts, bytes) in plain digits: "80000000000", not the shorter "8e+10".
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) < kExactIntegers) {
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value));
    return std::string(buffer, end);
  }
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

// HELP text escapes backslash and newline; label values also the double quote.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// `{a="x",b="y"}` with an optional extra label last (histograms' le); "" for no labels at all.
std::string LabelText(const Labels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out.push_back(',');
    first = false;
    out.append(name).append("=\"").append(Escape(value, true)).push_back('"');
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out.push_back('}');
  return out;
}

[[noreturn]] void Misuse(std::string_view name, std::string_view what) {
  std::fprintf(stderr, "metrics: %.*s: %.*s\n", int(name.size()), name.data(), int(what.size()),
               what.data());
  std::abort();
}

}  // namespace

// ---- Counter, Gauge, Histogram ----------------------------------------------------------

void Counter::Inc(double by) {
  if (by < 0) return;  // a counter never goes down; a negative step is a caller bug, dropped
  AtomicAdd(value_, by);
}
double Counter::Value() const { return value_.load(std::memory_order_relaxed); }

void Gauge::Set(double value) { value_.store(value, std::memory_order_relaxed); }
void Gauge::Add(double by) { AtomicAdd(value_, by); }
double Gauge::Value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // The first bucket whose upper bound is >= value ("le"); past the last: +Inf.
  const size_t i =
      size_t(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

uint64_t Histogram::Count() const {
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) total += buckets_[i].load(std::memory_order_relaxed);
  return total;
}

double Histogram::Sum() const { return sum_.load(std::memory_order_relaxed); }

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> DurationBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

// ---- Registry ---------------------------------------------------------------------------

struct Registry::Family {
  std::string help;
  int type = kCounter;
  // Keyed by sorted labels; one of the three pointers is set, per the family's type.
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::map<Labels, Series> series;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::FamilyFor(std::string_view name, std::string_view help, int type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->help = std::string(help);
    family->type = type;
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  // One name, one type: two kinds under one name would make an output Prometheus refuses.
  if (it->second->type != type) Misuse(name, "registered again with another type");
  return *it->second;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  auto& series = FamilyFor(name, help, kCounter).series[Sorted(std::move(labels))];
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  auto& series = FamilyFor(name, help, kGauge).series[Sorted(std::move(labels))];
  if (!series.gauge) series.gauge = std::make_unique<Gauge>();
  return *series.gauge;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help, Labels labels,
                                  std::vector<double> upper_bounds) {
  std::lock_guard lock(mu_);
  auto& series = FamilyFor(name, help, kHistogram).series[Sorted(std::move(labels))];
  if (!series.histogram) series.histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  return *series.histogram;
}

size_t Registry::AddCollector(std::function<void(Registry&)> collector) {
  std::lock_guard lock(mu_);
  const size_t id = next_collector_++;
  collectors_.emplace(id, std::move(collector));
  return id;
}

void Registry::RemoveCollector(size_t id) {
  std::lock_guard lock(mu_);
  collectors_.erase(id);
}

std::string Registry::Render() {
  // Collectors take the lock themselves (GetGauge), so they run before it is held here.
  std::vector<std::function<void(Registry&)>> collectors;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, collect] : collectors_) collectors.push_back(collect);
  }
  for (auto& collect : collectors) collect(*this);

  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + Escape(family->help, false) + "\n";
    out += "# TYPE " + name + " " + std::string(kTypeNames[family->type]) + "\n";
    for (const auto& [labels, series] : family->series) {
      if (series.counter || series.gauge) {
        const double value = series.counter ? series.counter->Value() : series.gauge->Value();
        out += name + LabelText(labels) + " " + FormatValue(value) + "\n";
        continue;
      }
      const Histogram& h = *series.histogram;
      const std::vector<uint64_t> counts = h.CumulativeCounts();
      for (size_t i = 0; i < counts.size(); ++i) {
        const std::string le =
            i < h.upper_bounds().size() ? FormatValue(h.upper_bounds()[i]) : std::string("+Inf");
        out +=
            name + "_bucket" + LabelText(labels, "le", le) + " " + std::to_string(counts[i]) + "\n";
      }
      out += name + "_sum" + LabelText(labels) + " " + FormatValue(h.Sum()) + "\n";
      // _count from the same snapshot as the +Inf bucket, as the format requires them equal.
      out += name + "_count" + LabelText(labels) + " " + std::to_string(counts.back()) + "\n";
    }
  }
  return out;
}

double Registry::Value(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto series = it->second->series.find(Sorted(labels));
  if (series == it->second->series.end()) return 0;
  if (series->second.counter) return series->second.counter->Value();
  if (series->second.gauge) return series->second.gauge->Value();
  return 0;
}

double Registry::Sum(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  double total = 0;
  for (const auto& [labels, series] : it->second->series) {
    if (series.counter) total += series.counter->Value();
    if (series.gauge) total += series.gauge->Value();
  }
  return total;
}

std::vector<std::pair<Labels, double>> Registry::Samples(std::string_view name) const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<Labels, double>> samples;
  auto it = families_.find(name);
  if (it == families_.end()) return samples;
  for (const auto& [labels, series] : it->second->series) {
    if (series.counter) samples.emplace_back(labels, series.counter->Value());
    if (series.gauge) samples.emplace_back(labels, series.gauge->Value());
  }
  return samples;
}

const Histogram* Registry::FindHistogram(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  auto series = it->second->series.find(Sorted(labels));
  if (series == it->second->series.end()) return nullptr;
  return series->second.histogram.get();
}

Registry& Global() {
  static Registry* registry = new Registry();  // never destroyed: threads may still count at exit
  return *registry;
}

}  // namespace noisett::metrics
