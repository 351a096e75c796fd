// The monthly cost model behind `cost.estimate` (design document, "Cost Optimization"): storage
// per access tier × price per GB-month, operations per 10,000, CDN egress per GB. Pure arithmetic:
// the command supplies what the store holds (usage.h) and what the metrics registry counted, or a
// projection for N users × M images a month.
//
// Units: GB is the decimal gigabyte, 10^9 bytes, and MB 10^6 bytes. Azure's price list says "per
// GB" and the design document's own arithmetic (10,000 images × 2 MB = 20 GB) is decimal; if a
// bill is read in binary GiB (2^30), its quantities are 7.4% lower than ours.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "lifecycle/retention.h"
#include "storage/blob_store.h"

namespace noisett::lifecycle {

inline constexpr double kBytesPerGB = 1e9;
inline constexpr double kBytesPerMB = 1e6;
inline constexpr double kDaysPerMonth = 30.0;

// USD. Storage defaults for hot, cool and archive are the design document's table; cold is not in
// it and is Azure's list price for LRS in US regions (approximate). Operation prices are
// approximations of Azure's hot-tier LRS list prices (writes and List calls $0.05 per 10,000;
// reads and other calls $0.004 per 10,000; deletes free) — regions and redundancy differ, so
// override them with the account's real prices. CDN egress: the design document's $5.00 for
// 50 GB.
struct Prices {
  double hot_gb_month = 0.018;
  double cool_gb_month = 0.010;
  double cold_gb_month = 0.0036;
  double archive_gb_month = 0.00099;
  double write_per_10k = 0.05;
  double read_per_10k = 0.004;
  double other_per_10k = 0.004;
  double cdn_egress_gb = 0.10;
  // Azure bills a cool, cold or archive blob smaller than this as if it were this large (128 KiB
  // for accounts created from July 2026, every account from July 2027); 0 for an account without
  // the minimum. Hot blobs are billed as they are.
  double min_billable_kib = 128;

  double StoragePerGbMonth(storage::AccessTier tier) const;
  uint64_t MinBillableBytes() const { return uint64_t(min_billable_kib * 1024); }
};

// What Azure bills for one blob of `size` bytes in `tier`, with the minimum of `min_bytes` for
// every tier but hot. Pure.
inline uint64_t BillableBytes(storage::AccessTier tier, uint64_t size, uint64_t min_bytes) {
  return tier == storage::AccessTier::kHot || size >= min_bytes ? size : min_bytes;
}

// {"hot":..,"cool":..,"cold":..,"archive":..,"write_per_10k":..,"read_per_10k":..,
//  "other_per_10k":..,"cdn_egress_gb":..,"min_billable_kib":..}
nlohmann::json PricesToJson(const Prices& prices);
// Overrides some of `base` from an object with the keys above. Errors: kInvalidArgument
// "bad_input" naming the key (unknown key, not a number, negative), or when it is not an object.
Result<Prices> ParsePrices(const nlohmann::json& overrides, Prices base = {});

// How Azure bills each of our blob operations ("put", "get", "list", ...; see
// noisett_blob_operations_total{op}): Put Blob and List Blobs are write-class, Get Blob and Get
// Blob Properties read-class, Delete Blob free, everything else "other".
enum class OperationClass { kWrite, kRead, kOther, kFree };
OperationClass ClassifyOperation(std::string_view op);

struct OperationCounts {
  double write = 0;
  double read = 0;
  double other = 0;
  double free = 0;  // counted, not billed
};

// What the estimate prices.
struct CostInput {
  std::map<storage::AccessTier, double> bytes;  // stored per tier; missing tiers are zero
  // Per tier, why those bytes are there (projection: "0-30 days"); shown after the row's name.
  std::map<storage::AccessTier, std::string> tier_notes;
  OperationCounts operations;
  double egress_bytes = 0;
  // Early deletion charges (projection only): bytes leaving a tier before its minimum stay.
  std::map<storage::AccessTier, double> early_deletion_gb_months;
};

struct CostRow {
  std::string item;                  // "Hot storage", "Operations", "CDN egress", ...
  std::string note;                  // "0-30 days", "30000 write, 20000 read, 0 other"
  std::optional<double> quantity_gb; // storage and egress rows
  std::optional<double> unit_price;  // per GB-month / per GB; absent for Operations
  std::optional<OperationCounts> operations;  // the Operations row's counts
  double cost_usd = 0;
};

struct CostEstimate {
  std::vector<CostRow> rows;
  double total_usd = 0;
  Prices prices;
};

// Rows in the design document's order: Hot, Cool, Cold (only when it holds bytes: the design has
// no cold tier), Archive, early deletion (only when charged), Operations, CDN egress.
CostEstimate Estimate(const CostInput& input, const Prices& prices);

// {"rows":[{"item","note"?,"quantity_gb"?,"unit_price"?,"cost_usd"}],"total_usd","prices"}
nlohmann::json EstimateToJson(const CostEstimate& estimate);
// The design document's "Cost Breakdown" block, amounts in cents:
//   Hot storage (0-30 days):      20.00 GB × $0.018 = $0.36
//   ...
//   Total:                                       $6.08/month
std::string EstimateToText(const CostEstimate& estimate);

// The steady-state month of a service with `users` × `images_per_user_month` uploads of
// `avg_image_mb` each, aged by the lifecycle policy: hot until retention.cool_days, cool until
// retention.archive_days, archive until the subscription tier's deletion.
struct Projection {
  double users = 1000;
  double images_per_user_month = 10;
  double avg_image_mb = 2;
  std::string subscription_tier = "free";
  // Default: the design document's ratio, 50 GB served per 20 GB uploaded.
  std::optional<double> cdn_egress_gb_month;
  // Blob writes per image uploaded (image, thumbnail, metadata.json) and reads per image (the
  // CDN filling its cache with the image and its thumbnail once). Each lifecycle tier change of a
  // blob is one more write-class operation.
  double writes_per_image = 3;
  double reads_per_image = 2;
  // Blobs per image below Azure's minimum billable size (the thumbnail and metadata.json; each
  // rendition under 128 KiB is one more): in cool, cold and archive each is billed as the minimum
  // on top of avg_image_mb (an upper bound: their own few KB are counted twice).
  double small_blobs_per_image = 2;
  // How long the service has been running. Default: steady, a month past the last boundary (the
  // tier's retention, or archive); with no retention (enterprise) archive grows forever, so 12
  // months.
  std::optional<double> months_running;
};

// Reads {users, images_per_user_month, avg_image_mb, subscription_tier, cdn_egress_gb_month,
// writes_per_image, reads_per_image, small_blobs_per_image, months_running}, all optional. Errors: kInvalidArgument
// "bad_input" naming the field (unknown, wrong type, negative, unknown subscription tier).
Result<Projection> ParseProjection(const nlohmann::json& args);

struct ProjectedMonth {
  CostInput input;
  double months_running = 0;
  double new_gb_month = 0;     // uploaded per month
  std::optional<int> delete_days;  // the tier's retention; nullopt: never
  nlohmann::json assumptions;  // what was assumed, for the JSON answer
};
// `min_billable_bytes`: Prices::MinBillableBytes() (0: no minimum, small blobs cost nothing extra).
ProjectedMonth Project(const Projection& projection, const RetentionConfig& retention = {},
                       uint64_t min_billable_bytes = 0);

}  // namespace noisett::lifecycle
