// Request metrics.
#include "http/request_metrics.h"

#include <algorithm>
#include <array>
#include <functional>
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
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

// `key` is looked up as a view: a request whose series is known allocates nothing.
template <typename T, typename Lookup>
T& Memo(const metrics::Registry& registry, std::string_view key, Lookup lookup) {
  if (&registry != &metrics::Global()) return lookup();
  thread_local std::unordered_map<std::string, T*, KeyHash, std::equal_to<>> memo;
  auto it = memo.find(key);
  if (it != memo.end()) return *it->second;
  T& series = lookup();
  memo.emplace(std::string(key), &series);
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
  // "GET /blobs/* 2xx" in a buffer on the stack while it fits (a route is a short pattern).
  char buffer[128];
  std::string spilled;
  std::string_view key;
  const size_t size = bounded.size() + path.size() + status_class.size() + 2;
  if (size <= sizeof buffer) {
    char* p = buffer;
    for (std::string_view piece : {bounded, std::string_view(" "), path, std::string_view(" "),
                                   status_class}) {
      p = std::copy(piece.begin(), piece.end(), p);
    }
    key = std::string_view(buffer, size);
  } else {
    spilled.append(bounded).append(" ").append(path).append(" ").append(status_class);
    key = spilled;
  }
  auto lookup = [&]() -> metrics::Histogram& {
    return registry.GetHistogram(metrics::names::kRequestDuration,
                                 metrics::names::kRequestDurationHelp,
                                 {{"method", std::string(bounded)},
                                  {"route", std::string(path)},
                                  {"status_class", std::string(status_class)}});
  };
  Memo<metrics::Histogram>(registry, key, lookup).Observe(seconds);
}

void RecordEgress(std::string_view kind, uint64_t bytes, metrics::Registry& registry) {
  auto lookup = [&]() -> metrics::Counter& {
    return registry.GetCounter(metrics::names::kEgressBytes, metrics::names::kEgressBytesHelp,
                               {{"kind", std::string(kind)}});
  };
  Memo<metrics::Counter>(registry, kind, lookup).Inc(double(bytes));
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
