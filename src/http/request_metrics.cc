// Request metrics.
#include "http/request_metrics.h"

#include <array>
#include <string>
#include <unordered_map>

#include "core/metric_names.h"

namespace noisett::http {
namespace {

std::string_view BoundedMethod(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",    "HEAD",  "POST",   "PUT",
                                                             "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

// Every request looks up its series; in the global registry that lookup (a lock, label strings,
// a map search) is remembered per thread, so the I/O threads do not queue on the registry's lock.
// Series live as long as their registry, and the global one is never destroyed.
template <typename T, typename Lookup>
T& Memo(const metrics::Registry& registry, std::string key, Lookup lookup) {
  if (&registry != &metrics::Global()) return lookup();
  thread_local std::unordered_map<std::string, T*> memo;
  auto it = memo.find(key);
  if (it != memo.end()) return *it->second;
  T& series = lookup();
  memo.emplace(std::move(key), &series);
  return series;
}

}  // namespace

std::string_view StatusClass(int status) {
  static constexpr std::array<std::string_view, 5> kClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  if (status < 100 || status > 599) return "other";
  return kClasses[size_t(status / 100 - 1)];
}

void RecordRequest(std::string_view method, std::string_view route, int status, double seconds,
                   metrics::Registry& registry) {
  const std::string_view bounded = BoundedMethod(method);
  const std::string_view path = route.empty() ? std::string_view("other") : route;
  const std::string_view status_class = StatusClass(status);
  std::string key;
  key.reserve(bounded.size() + path.size() + status_class.size() + 2);
  key.append(bounded).append(" ").append(path).append(" ").append(status_class);
  auto lookup = [&]() -> metrics::Histogram& {
    return registry.GetHistogram(metrics::names::kRequestDuration,
                                 metrics::names::kRequestDurationHelp,
                                 {{"method", std::string(bounded)},
                                  {"route", std::string(path)},
                                  {"status_class", std::string(status_class)}});
  };
  Memo<metrics::Histogram>(registry, std::move(key), lookup).Observe(seconds);
}

void RecordEgress(std::string_view kind, uint64_t bytes, metrics::Registry& registry) {
  auto lookup = [&]() -> metrics::Counter& {
    return registry.GetCounter(metrics::names::kEgressBytes, metrics::names::kEgressBytesHelp,
                               {{"kind", std::string(kind)}});
  };
  Memo<metrics::Counter>(registry, std::string(kind), lookup).Inc(double(bytes));
}

std::string_view EgressKindOf(std::string_view blob_path) {
  const size_t slash = blob_path.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? blob_path : blob_path.substr(slash + 1);
  if (name.rfind("thumb_", 0) == 0) return "thumbnail";
  if (name.rfind("image_", 0) == 0) return "image";
  return "other";
}

}  // namespace noisett::http
