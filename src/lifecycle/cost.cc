// The cost model: prices, the estimate's rows, their text and JSON, and the projection.
//
// The design document's table, checked against this model (1000 users × 10 images × 2 MB =
// 20 GB uploaded a month):
//   - It puts 20 GB in every tier. In the steady state a tier holds as many months of uploads as
//     images stay in it: hot 0-30 days = 1 month = 20 GB, cool 30-90 days = 2 months = 40 GB,
//     archive from 90 days to the retention: free (deleted at 90) 0 GB, basic (180) 60 GB,
//     pro (365) 183.33 GB, enterprise (never) growing by 20 GB a month.
//   - It rounds the archive price to $0.001 (20 GB × $0.00099 = $0.0198, shown as $0.02).
//   - Its operations line ($0.50) has no stated basis; here it follows from the writes, reads and
//     tier changes per image (Projection), about $0.31 for the free tier.
//   - Its rows add up to $6.08, shown as "~$6.10".
//   - It has no early-deletion charge; Azure bills archive blobs deleted before 180 days (and cool
//     before 30, cold before 90) for the rest of the minimum, so basic (archived at 90, deleted at
//     180) pays 90 more days of archive for every blob.
// So the free tier's steady month is $0.36 hot + $0.40 cool + $0 archive + operations + $5.00
// egress, not the table's $6.08.
#include "lifecycle/cost.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>
#include <vector>
#include <utility>

namespace noisett::lifecycle {
namespace {

using storage::AccessTier;

Unexpected Bad(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message)));
}

struct PriceField {
  const char* key;
  double Prices::*slot;
};

constexpr PriceField kPriceFields[] = {
    {"hot", &Prices::hot_gb_month},
    {"cool", &Prices::cool_gb_month},
    {"cold", &Prices::cold_gb_month},
    {"archive", &Prices::archive_gb_month},
    {"write_per_10k", &Prices::write_per_10k},
    {"read_per_10k", &Prices::read_per_10k},
    {"other_per_10k", &Prices::other_per_10k},
    {"cdn_egress_gb", &Prices::cdn_egress_gb},
    {"min_billable_kib", &Prices::min_billable_kib},
};

// Keeps JSON free of binary noise (0.36000000000000004) without losing a fraction of a cent.
double Round6(double v) { return std::round(v * 1e6) / 1e6; }

std::string Printf(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

// $0.018, $0.010, $0.00099, $0.10: trailing zeros dropped down to `min_decimals`.
std::string Price(double value, int min_decimals) {
  std::string s = Printf("%.6f", value);
  const size_t dot = s.find('.');
  while (s.size() > dot + 1 + size_t(min_decimals) && s.back() == '0') s.pop_back();
  return s.insert(0, 1, '$');
}

std::string Dollars(double value) { return Printf("$%.2f", value); }

// Display width of UTF-8 text ("×" is two bytes, one column).
size_t Columns(const std::string& s) {
  return size_t(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string PadRight(std::string s, size_t width) {
  const size_t columns = Columns(s);
  if (columns < width) s.append(width - columns, ' ');
  return s;
}

std::string PadLeft(const std::string& s, size_t width) {
  const size_t columns = Columns(s);
  return columns < width ? std::string(width - columns, ' ') + s : s;
}

const char* TierRowName(AccessTier tier) {
  switch (tier) {
    case AccessTier::kHot: return "Hot storage";
    case AccessTier::kCool: return "Cool storage";
    case AccessTier::kCold: return "Cold storage";
    case AccessTier::kArchive: return "Archive storage";
  }
  return "Storage";
}

// Azure's minimum stay per tier, in days (early deletion is charged pro rata up to it).
double MinimumDays(AccessTier tier) {
  switch (tier) {
    case AccessTier::kHot: return 0;
    case AccessTier::kCool: return 30;
    case AccessTier::kCold: return 90;
    case AccessTier::kArchive: return 180;
  }
  return 0;
}

template <typename Map>
double Lookup(const Map& map, AccessTier tier) {
  auto it = map.find(tier);
  return it == map.end() ? 0.0 : it->second;
}

}  // namespace

double Prices::StoragePerGbMonth(AccessTier tier) const {
  switch (tier) {
    case AccessTier::kHot: return hot_gb_month;
    case AccessTier::kCool: return cool_gb_month;
    case AccessTier::kCold: return cold_gb_month;
    case AccessTier::kArchive: return archive_gb_month;
  }
  return 0;
}

nlohmann::json PricesToJson(const Prices& prices) {
  nlohmann::json out = nlohmann::json::object();
  for (const PriceField& f : kPriceFields) out[f.key] = prices.*f.slot;
  return out;
}

Result<Prices> ParsePrices(const nlohmann::json& overrides, Prices base) {
  if (!overrides.is_object()) return Bad("prices must be an object of prices in USD");
  for (const auto& [key, value] : overrides.items()) {
    const PriceField* field = nullptr;
    for (const PriceField& f : kPriceFields) {
      if (key == f.key) field = &f;
    }
    if (field == nullptr) {
      return Bad("prices." + key.substr(0, 64) +
                 " is not a price (hot, cool, cold, archive, write_per_10k, read_per_10k, "
                 "other_per_10k, cdn_egress_gb, min_billable_kib)");
    }
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0) {
      return Bad("prices." + key + " must be a number >= 0 (USD)");
    }
    base.*field->slot = value.get<double>();
  }
  return base;
}

OperationClass ClassifyOperation(std::string_view op) {
  if (op == "put" || op == "list") return OperationClass::kWrite;
  if (op == "get" || op == "get_properties") return OperationClass::kRead;
  if (op == "delete") return OperationClass::kFree;
  return OperationClass::kOther;
}

CostEstimate Estimate(const CostInput& input, const Prices& prices) {
  CostEstimate out;
  out.prices = prices;
  for (AccessTier tier :
       {AccessTier::kHot, AccessTier::kCool, AccessTier::kCold, AccessTier::kArchive}) {
    const double gb = Lookup(input.bytes, tier) / kBytesPerGB;
    if (tier == AccessTier::kCold && gb == 0) continue;
    const double price = prices.StoragePerGbMonth(tier);
    auto note = input.tier_notes.find(tier);
    out.rows.push_back({TierRowName(tier), note == input.tier_notes.end() ? "" : note->second,
                        gb, price, std::nullopt, gb * price});
  }
  for (const auto& [tier, gb_months] : input.early_deletion_gb_months) {
    if (gb_months <= 0) continue;
    const double price = prices.StoragePerGbMonth(tier);
    out.rows.push_back({std::string(storage::AccessTierName(tier)) + " early deletion",
                        Printf("GB-months short of the %.0f-day minimum", MinimumDays(tier)),
                        gb_months, price, std::nullopt, gb_months * price});
  }
  const OperationCounts& ops = input.operations;
  const double ops_cost = (ops.write * prices.write_per_10k + ops.read * prices.read_per_10k +
                           ops.other * prices.other_per_10k) / 10000.0;
  out.rows.push_back({"Operations",
                      Printf("%.0f write, ", ops.write) + Printf("%.0f read, ", ops.read) +
                          Printf("%.0f other", ops.other),
                      std::nullopt, std::nullopt, ops, ops_cost});
  const double egress_gb = input.egress_bytes / kBytesPerGB;
  out.rows.push_back({"CDN egress", "", egress_gb, prices.cdn_egress_gb, std::nullopt,
                      egress_gb * prices.cdn_egress_gb});
  for (const CostRow& row : out.rows) out.total_usd += row.cost_usd;
  return out;
}

nlohmann::json EstimateToJson(const CostEstimate& estimate) {
  nlohmann::json rows = nlohmann::json::array();
  for (const CostRow& row : estimate.rows) {
    nlohmann::json r = {{"item", row.item}};
    if (!row.note.empty()) r["note"] = row.note;
    if (row.quantity_gb) r["quantity_gb"] = Round6(*row.quantity_gb);
    if (row.unit_price) r["unit_price"] = *row.unit_price;
    if (row.operations) {
      r["operations"] = {{"write", row.operations->write},
                         {"read", row.operations->read},
                         {"other", row.operations->other},
                         {"free", row.operations->free}};
    }
    r["cost_usd"] = Round6(row.cost_usd);
    rows.push_back(std::move(r));
  }
  return {{"rows", std::move(rows)},
          {"total_usd", Round6(estimate.total_usd)},
          {"prices", PricesToJson(estimate.prices)}};
}

std::string EstimateToText(const CostEstimate& estimate) {
  // Columns sized to the widest entry: label, quantity, "× price =", amount.
  struct Line {
    std::string label, quantity, price, amount;
  };
  std::vector<Line> lines;
  size_t label_w = 6, quantity_w = 0, price_w = 0, amount_w = 0;  // 6: "Total:"
  for (const CostRow& row : estimate.rows) {
    Line line{row.item + (row.note.empty() ? "" : " (" + row.note + ")") + ":", "", "",
              Dollars(row.cost_usd)};
    if (row.quantity_gb && row.unit_price) {
      line.quantity = Printf("%.2f GB", *row.quantity_gb);
      line.price = "× " + Price(*row.unit_price, row.item == "CDN egress" ? 2 : 3) + " =";
    }
    label_w = std::max(label_w, Columns(line.label));
    quantity_w = std::max(quantity_w, Columns(line.quantity));
    price_w = std::max(price_w, Columns(line.price));
    amount_w = std::max(amount_w, Columns(line.amount));
    lines.push_back(std::move(line));
  }
  const std::string total = Dollars(estimate.total_usd);
  amount_w = std::max(amount_w, Columns(total));
  const size_t width = label_w + 1 + quantity_w + 1 + price_w + 1 + amount_w;
  std::string text;
  for (const Line& l : lines) {
    text += PadRight(l.label, label_w + 1) + PadLeft(l.quantity, quantity_w) + " " +
            PadRight(l.price, price_w + 1) + PadLeft(l.amount, amount_w) + "\n";
  }
  for (size_t i = 0; i < width; ++i) text += "─";
  text += "\n";
  text += PadRight("Total:", width - amount_w) + PadLeft(total, amount_w) + "/month\n";
  return text;
}

namespace {

Result<double> NumberArg(const nlohmann::json& args, const char* key, double fallback,
                         bool positive = false) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return fallback;
  const std::string what = positive ? " must be a number > 0" : " must be a number >= 0";
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return Bad(std::string("projection.") + key + what);
  }
  const double v = it->get<double>();
  if (v < 0 || (positive && v == 0)) return Bad(std::string("projection.") + key + what);
  return v;
}

// Days [lo, hi) a blob spends in a tier; hi = infinity for the last one.
struct Span {
  AccessTier tier;
  double lo, hi;
};

std::string SpanNote(double lo, double hi) {
  if (hi >= std::numeric_limits<double>::infinity()) return Printf("%.0f+ days", lo);
  return Printf("%.0f-", lo) + Printf("%.0f days", hi);
}

// The fraction of a month's uploads that crosses `day` of age during the month ending at day
// `now`: 1 in a steady state, less while the service is younger than `day` + 30.
double CrossingsThisMonth(double day, double now) {
  return std::clamp((now - day) / kDaysPerMonth, 0.0, 1.0);
}

}  // namespace

Result<Projection> ParseProjection(const nlohmann::json& args) {
  if (!args.is_object()) return Bad("projection must be an object");
  static constexpr const char* kKnown[] = {"users", "images_per_user_month", "avg_image_mb",
                                           "subscription_tier", "cdn_egress_gb_month",
                                           "writes_per_image", "reads_per_image",
                                           "small_blobs_per_image", "months_running"};
  for (const auto& item : args.items()) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& key = item.key();
    if (std::none_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return key == k; })) {
      return Bad("projection." + key.substr(0, 64) + " is not a projection field");
    }
  }
  Projection p;
  for (auto [key, slot] : {std::pair{"users", &Projection::users},
                           std::pair{"images_per_user_month", &Projection::images_per_user_month},
                           std::pair{"avg_image_mb", &Projection::avg_image_mb},
                           std::pair{"writes_per_image", &Projection::writes_per_image},
                           std::pair{"reads_per_image", &Projection::reads_per_image},
                           std::pair{"small_blobs_per_image", &Projection::small_blobs_per_image}}) {
    auto v = NumberArg(args, key, p.*slot);
    if (!v) return Unexpected(v.error());
    p.*slot = *v;
  }
  for (auto [key, slot, positive] :
       {std::tuple{"cdn_egress_gb_month", &Projection::cdn_egress_gb_month, false},
        std::tuple{"months_running", &Projection::months_running, true}}) {
    if (!args.contains(key) || args[key].is_null()) continue;
    auto v = NumberArg(args, key, 0, positive);
    if (!v) return Unexpected(v.error());
    p.*slot = *v;
  }
  if (auto it = args.find("subscription_tier"); it != args.end() && !it->is_null()) {
    if (!it->is_string() || !IsSubscriptionTier(it->get<std::string>())) {
      return Bad("projection.subscription_tier must be one of free, basic, pro, enterprise");
    }
    p.subscription_tier = it->get<std::string>();
  }
  return p;
}

ProjectedMonth Project(const Projection& p, const RetentionConfig& retention,
                       uint64_t min_billable_bytes) {
  constexpr double kForever = std::numeric_limits<double>::infinity();
  ProjectedMonth out;
  const double images_month = p.users * p.images_per_user_month;
  const double new_bytes = images_month * p.avg_image_mb * kBytesPerMB;
  out.new_gb_month = new_bytes / kBytesPerGB;
  if (auto it = retention.delete_days.find(p.subscription_tier);
      it != retention.delete_days.end()) {
    out.delete_days = it->second;
  }
  const double deleted_at = out.delete_days ? double(*out.delete_days) : kForever;
  // Steady: a whole month of uploads has already crossed every boundary, deletion included.
  const double steady =
      out.delete_days ? std::max(deleted_at, double(retention.archive_days)) + kDaysPerMonth
                      : 12 * kDaysPerMonth;
  const double now = p.months_running ? *p.months_running * kDaysPerMonth : steady;
  out.months_running = now / kDaysPerMonth;
  const double alive_until = std::min(now, deleted_at);

  const Span spans[] = {
      {AccessTier::kHot, 0, double(retention.cool_days)},
      {AccessTier::kCool, double(retention.cool_days), double(retention.archive_days)},
      {AccessTier::kArchive, double(retention.archive_days), kForever}};
  double tier_changes = 0;  // per blob uploaded, this month
  for (const Span& s : spans) {
    const double days = std::max(0.0, std::min(s.hi, alive_until) - s.lo);
    out.input.bytes[s.tier] = new_bytes / kDaysPerMonth * days;
    out.input.tier_notes[s.tier] = deleted_at <= s.lo
                                       ? Printf("none: deleted at %.0f days", deleted_at)
                                       : SpanNote(s.lo, std::min(s.hi, deleted_at));
    const double small_blobs = images_month / kDaysPerMonth * days * p.small_blobs_per_image;
    if (s.tier != AccessTier::kHot && min_billable_bytes > 0 && small_blobs > 0) {
      out.input.bytes[s.tier] += small_blobs * double(min_billable_bytes);
      out.input.tier_notes[s.tier] += Printf("; %.0f small blobs", small_blobs) +
                                      Printf(" billed as %.0f KiB", min_billable_bytes / 1024.0);
    }
    if (s.lo > 0 && s.lo < deleted_at) tier_changes += CrossingsThisMonth(s.lo, now);
    // Leaving the tier (to the next one, or deleted) before Azure's minimum stay.
    const double leaves = std::min(s.hi, deleted_at);
    const double stay = leaves - s.lo;
    if (leaves < kForever && stay > 0 && stay < MinimumDays(s.tier)) {
      out.input.early_deletion_gb_months[s.tier] = out.new_gb_month *
                                                   CrossingsThisMonth(leaves, now) *
                                                   (MinimumDays(s.tier) - stay) / kDaysPerMonth;
    }
  }
  const double blob_writes = images_month * p.writes_per_image;
  out.input.operations.write = blob_writes * (1 + tier_changes);
  out.input.operations.read = images_month * p.reads_per_image;
  out.input.operations.free =
      out.delete_days ? blob_writes * CrossingsThisMonth(deleted_at, now) : 0;
  // The design document serves 50 GB a month for 20 GB uploaded.
  const double egress_gb = p.cdn_egress_gb_month.value_or(out.new_gb_month * 2.5);
  out.input.egress_bytes = egress_gb * kBytesPerGB;

  out.assumptions = {{"users", p.users},
                     {"images_per_user_month", p.images_per_user_month},
                     {"avg_image_mb", p.avg_image_mb},
                     {"subscription_tier", p.subscription_tier},
                     {"new_gb_month", Round6(out.new_gb_month)},
                     {"months_running", Round6(out.months_running)},
                     {"cool_after_days", retention.cool_days},
                     {"archive_after_days", retention.archive_days},
                     {"cdn_egress_gb_month", Round6(egress_gb)},
                     {"writes_per_image", p.writes_per_image},
                     {"reads_per_image", p.reads_per_image},
                     {"small_blobs_per_image", p.small_blobs_per_image},
                     {"min_billable_bytes", min_billable_bytes}};
  out.assumptions["delete_after_days"] =
      out.delete_days ? nlohmann::json(*out.delete_days) : nlohmann::json("never");
  return out;
}

}  // namespace noisett::lifecycle
