// Which renditions should stay hot, move with their image, or be dropped when a job ages
// (issue 23): cost.estimate's answer, from what each class of rendition ("avif 256") actually
// weighs in the store. Renditions are small (a 256 px AVIF is a few KiB), and Azure bills a cool,
// cold or archive blob under min_billable_kib as that much, so cooling a small rendition can cost
// more than keeping it hot; an archived image is never shown (its links answer 409 until it is
// rehydrated), so its renditions are never read there. Pure arithmetic.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lifecycle/cost.h"
#include "lifecycle/usage.h"

namespace noisett::lifecycle {

struct RenditionAdvice {
  std::string rendition;  // "avif 256"
  int64_t blobs = 0;
  double mean_bytes = 0;
  // Per 1000 such blobs, USD a month.
  double hot_per_1000 = 0;
  double cool_per_1000 = 0;     // billed at least min_billable_kib each
  double archive_per_1000 = 0;  // the same minimum
  std::string when_cool;        // "stay hot" or "cool with the image"
  std::string when_archived;    // "drop"
  std::string why;
};

// One entry per class present in `usage.renditions`, in its order.
std::vector<RenditionAdvice> AdviseRenditions(const StoreUsage& usage, const Prices& prices);

// [{rendition, blobs, mean_bytes, hot_per_1000_usd, cool_per_1000_usd, archive_per_1000_usd,
//   when_cool, when_archived, why}]
nlohmann::json AdviceToJson(const std::vector<RenditionAdvice>& advice);
// A block for the text table; "" when there is no rendition.
std::string AdviceToText(const std::vector<RenditionAdvice>& advice);

}  // namespace noisett::lifecycle
