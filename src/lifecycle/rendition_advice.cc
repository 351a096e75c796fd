// Rendition advice; see rendition_advice.h.
#include "lifecycle/rendition_advice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace noisett::lifecycle {
namespace {

double Round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

std::vector<RenditionAdvice> AdviseRenditions(const StoreUsage& usage, const Prices& prices) {
  std::vector<RenditionAdvice> out;
  const double minimum = double(prices.MinBillableBytes());
  for (const auto& [name, r] : usage.renditions) {
    if (r.blobs == 0) continue;
    RenditionAdvice a;
    a.rendition = name;
    a.blobs = r.blobs;
    a.mean_bytes = double(r.bytes) / double(r.blobs);
    const double billed = std::max(a.mean_bytes, minimum);
    a.hot_per_1000 = 1000 * a.mean_bytes / kBytesPerGB * prices.hot_gb_month;
    a.cool_per_1000 = 1000 * billed / kBytesPerGB * prices.cool_gb_month;
    a.archive_per_1000 = 1000 * billed / kBytesPerGB * prices.archive_gb_month;
    const bool stay_hot = a.hot_per_1000 <= a.cool_per_1000;
    a.when_cool = stay_hot ? "stay hot" : "cool with the image";
    a.when_archived = "drop";
    char why[256];
    std::snprintf(why, sizeof why,
                  "%.0f bytes on average%s; an archived image is never shown, so its renditions "
                  "are never read there",
                  a.mean_bytes,
                  stay_hot ? ", billed as the minimum in cool: hot costs less"
                           : ": cool costs less than hot");
    a.why = why;
    out.push_back(std::move(a));
  }
  // By format, then size as a number ("avif 256" before "avif 1024").
  auto key = [](const RenditionAdvice& a) {
    const size_t space = a.rendition.find(' ');
    return std::make_pair(a.rendition.substr(0, space), std::atoi(a.rendition.c_str() + space + 1));
  };
  std::sort(out.begin(), out.end(),
            [&](const RenditionAdvice& a, const RenditionAdvice& b) { return key(a) < key(b); });
  return out;
}

nlohmann::json AdviceToJson(const std::vector<RenditionAdvice>& advice) {
  nlohmann::json out = nlohmann::json::array();
  for (const RenditionAdvice& a : advice) {
    out.push_back({{"rendition", a.rendition},
                   {"blobs", a.blobs},
                   {"mean_bytes", std::round(a.mean_bytes)},
                   {"hot_per_1000_usd", Round6(a.hot_per_1000)},
                   {"cool_per_1000_usd", Round6(a.cool_per_1000)},
                   {"archive_per_1000_usd", Round6(a.archive_per_1000)},
                   {"when_cool", a.when_cool},
                   {"when_archived", a.when_archived},
                   {"why", a.why}});
  }
  return out;
}

std::string AdviceToText(const std::vector<RenditionAdvice>& advice) {
  if (advice.empty()) return "";
  std::string text = "Renditions as jobs age (USD a month per 1000 blobs):\n";
  for (const RenditionAdvice& a : advice) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "  %-10s %6lld blobs, %8.0f B avg: hot %.5f, cool %.5f -> %s; archived -> %s\n",
                  a.rendition.c_str(), static_cast<long long>(a.blobs), a.mean_bytes,
                  a.hot_per_1000, a.cool_per_1000, a.when_cool.c_str(), a.when_archived.c_str());
    text += line;
  }
  return text;
}

}  // namespace noisett::lifecycle
