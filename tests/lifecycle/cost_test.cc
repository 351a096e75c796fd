// The cost model against hand computations: the design document's breakdown rows to the cent,
// price overrides and their refusals, and the steady-state projection per subscription tier.
#include "lifecycle/cost.h"

#include <gtest/gtest.h>

#include <string>

namespace noisett::lifecycle {
namespace {

using storage::AccessTier;

constexpr double kGB = 1e9;

const CostRow* Row(const CostEstimate& e, const std::string& item) {
  for (const CostRow& row : e.rows) {
    if (row.item == item) return &row;
  }
  return nullptr;
}

double CostOf(const CostEstimate& e, const std::string& item) {
  const CostRow* row = Row(e, item);
  EXPECT_NE(row, nullptr) << "no row " << item;
  return row ? row->cost_usd : -1;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The design document's table: 20 GB in each of hot, cool and archive, operations $0.50 (here
// 100,000 writes at $0.05 per 10,000) and 50 GB of CDN egress at $0.10.
CostInput DesignDocumentInput() {
  CostInput in;
  in.bytes[AccessTier::kHot] = 20 * kGB;
  in.bytes[AccessTier::kCool] = 20 * kGB;
  in.bytes[AccessTier::kArchive] = 20 * kGB;
  in.operations.write = 100000;
  in.egress_bytes = 50 * kGB;
  return in;
}

TEST(CostEstimate, DesignDocumentRowsByHand) {
  const CostEstimate e = Estimate(DesignDocumentInput(), Prices{});
  EXPECT_DOUBLE_EQ(CostOf(e, "Hot storage"), 0.36);        // 20 × 0.018
  EXPECT_DOUBLE_EQ(CostOf(e, "Cool storage"), 0.20);       // 20 × 0.010
  EXPECT_DOUBLE_EQ(CostOf(e, "Archive storage"), 0.0198);  // 20 × 0.00099 (the doc: $0.02)
  EXPECT_DOUBLE_EQ(CostOf(e, "Operations"), 0.50);         // 100,000 / 10,000 × 0.05
  EXPECT_DOUBLE_EQ(CostOf(e, "CDN egress"), 5.00);         // 50 × 0.10
  EXPECT_EQ(Row(e, "Cold storage"), nullptr) << "no cold row when cold holds nothing";
  EXPECT_NEAR(e.total_usd, 6.0798, 1e-9);  // the doc's "~$6.10" is $6.08 rounded up

  const std::string text = EstimateToText(e);
  EXPECT_TRUE(Contains(text, "20.00 GB × $0.018 =")) << text;
  EXPECT_TRUE(Contains(text, "20.00 GB × $0.010 =")) << text;
  EXPECT_TRUE(Contains(text, "20.00 GB × $0.00099 =")) << text;
  EXPECT_TRUE(Contains(text, "50.00 GB × $0.10 =")) << text;
  for (const char* amount : {"$0.36\n", "$0.20\n", "$0.02\n", "$0.50\n", "$5.00\n"}) {
    EXPECT_TRUE(Contains(text, amount)) << amount << " in\n" << text;
  }
  EXPECT_TRUE(Contains(text, "Total:")) << text;
  EXPECT_TRUE(Contains(text, "$6.08/month")) << text;
}

TEST(CostEstimate, JsonCarriesRowsTotalAndPrices) {
  const nlohmann::json j = EstimateToJson(Estimate(DesignDocumentInput(), Prices{}));
  ASSERT_EQ(j["rows"].size(), 5u) << j.dump(2);
  const nlohmann::json& hot = j["rows"][0];
  EXPECT_EQ(hot["item"], "Hot storage");
  EXPECT_DOUBLE_EQ(hot["quantity_gb"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(hot["unit_price"].get<double>(), 0.018);
  EXPECT_DOUBLE_EQ(hot["cost_usd"].get<double>(), 0.36);
  const nlohmann::json& ops = j["rows"][3];
  EXPECT_EQ(ops["item"], "Operations");
  EXPECT_FALSE(ops.contains("quantity_gb"));
  EXPECT_DOUBLE_EQ(ops["operations"]["write"].get<double>(), 100000);
  EXPECT_DOUBLE_EQ(j["total_usd"].get<double>(), 6.0798);
  EXPECT_DOUBLE_EQ(j["prices"]["archive"].get<double>(), 0.00099);
  EXPECT_DOUBLE_EQ(j["prices"]["cdn_egress_gb"].get<double>(), 0.10);
}

TEST(CostEstimate, ColdRowOnlyWhenColdHoldsBytes) {
  CostInput in;
  in.bytes[AccessTier::kCold] = 10 * kGB;
  const CostEstimate e = Estimate(in, Prices{});
  EXPECT_DOUBLE_EQ(CostOf(e, "Cold storage"), 0.036);  // 10 × 0.0036
  EXPECT_DOUBLE_EQ(CostOf(e, "Hot storage"), 0.0);
}

TEST(CostEstimate, OperationsArePricedPerTenThousandByClass) {
  CostInput in;
  in.operations = {10000, 50000, 20000, 7000};  // write, read, other, free (deletes)
  // 1 × 0.05 + 5 × 0.004 + 2 × 0.004; deletes cost nothing.
  EXPECT_NEAR(CostOf(Estimate(in, Prices{}), "Operations"), 0.078, 1e-12);

  EXPECT_EQ(ClassifyOperation("put"), OperationClass::kWrite);
  EXPECT_EQ(ClassifyOperation("list"), OperationClass::kWrite);
  EXPECT_EQ(ClassifyOperation("get"), OperationClass::kRead);
  EXPECT_EQ(ClassifyOperation("get_properties"), OperationClass::kRead);
  EXPECT_EQ(ClassifyOperation("delete"), OperationClass::kFree);
  EXPECT_EQ(ClassifyOperation("set_tags"), OperationClass::kOther);
  EXPECT_EQ(ClassifyOperation("set_tier"), OperationClass::kOther);
}

TEST(CostPrices, OverridesReplaceOnlyTheGivenPrices) {
  auto p = ParsePrices({{"hot", 0.0208}, {"cdn_egress_gb", 0.087}, {"write_per_10k", 0}});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_DOUBLE_EQ(p->hot_gb_month, 0.0208);
  EXPECT_DOUBLE_EQ(p->cdn_egress_gb, 0.087);
  EXPECT_DOUBLE_EQ(p->write_per_10k, 0.0);
  EXPECT_DOUBLE_EQ(p->cool_gb_month, 0.010);
  EXPECT_DOUBLE_EQ(p->archive_gb_month, 0.00099);
  const CostEstimate e = Estimate(DesignDocumentInput(), *p);
  EXPECT_NEAR(CostOf(e, "Hot storage"), 0.416, 1e-12);
  EXPECT_NEAR(CostOf(e, "CDN egress"), 4.35, 1e-12);
  EXPECT_DOUBLE_EQ(CostOf(e, "Operations"), 0.0);
}

TEST(CostPrices, CoolColdAndArchiveBlobsAreBilledAtLeastTheMinimum) {
  const uint64_t min = Prices{}.MinBillableBytes();
  EXPECT_EQ(min, 128u * 1024);  // Azure, accounts created from July 2026
  EXPECT_EQ(BillableBytes(storage::AccessTier::kHot, 100, min), 100u);
  EXPECT_EQ(BillableBytes(storage::AccessTier::kCool, 100, min), min);
  EXPECT_EQ(BillableBytes(storage::AccessTier::kCold, 0, min), min);
  EXPECT_EQ(BillableBytes(storage::AccessTier::kArchive, min - 1, min), min);
  EXPECT_EQ(BillableBytes(storage::AccessTier::kArchive, min + 1, min), min + 1);
  EXPECT_EQ(BillableBytes(storage::AccessTier::kCool, 100, 0), 100u);
  auto none = ParsePrices({{"min_billable_kib", 0}});
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->MinBillableBytes(), 0u);
  EXPECT_EQ(PricesToJson(Prices{})["min_billable_kib"], 128.0);
}

TEST(CostPrices, RefusalsNameTheKey) {
  struct Case {
    nlohmann::json prices;
    std::string named;
  };
  const Case cases[] = {{{{"hott", 0.01}}, "hott"},
                        {{{"cool", -0.01}}, "cool"},
                        {{{"archive", "cheap"}}, "archive"},
                        {{{"read_per_10k", nullptr}}, "read_per_10k"},
                        {{{"min_billable_kib", -1}}, "min_billable_kib"},
                        {nlohmann::json::array({1, 2}), "object"}};
  for (const Case& c : cases) {
    auto p = ParsePrices(c.prices);
    ASSERT_FALSE(p.has_value()) << c.prices.dump();
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(p.error().reason, "bad_input");
    EXPECT_TRUE(Contains(p.error().message, c.named)) << p.error().message;
  }
}

Projection DesignScenario(const std::string& tier) {
  Projection p;  // defaults: 1000 users × 10 images × 2 MB
  p.subscription_tier = tier;
  return p;
}

// Free: deleted at 90 days, the very day it would be archived (delete wins), so nothing reaches
// archive. Hot holds 1 month of uploads (20 GB), cool 2 months (40 GB).
TEST(CostProjection, FreeTierSteadyStateByHand) {
  const ProjectedMonth m = Project(DesignScenario("free"));
  EXPECT_DOUBLE_EQ(m.new_gb_month, 20.0);
  EXPECT_DOUBLE_EQ(m.months_running, 4.0);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kHot), 20 * kGB, 1);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kCool), 40 * kGB, 1);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kArchive), 0, 1);
  // 10,000 images × 3 blobs written, and each blob tiered to cool once: 60,000 writes; 20,000
  // reads (image and thumbnail once each into the CDN); 30,000 free deletes.
  EXPECT_NEAR(m.input.operations.write, 60000, 1e-6);
  EXPECT_NEAR(m.input.operations.read, 20000, 1e-6);
  EXPECT_NEAR(m.input.operations.free, 30000, 1e-6);
  EXPECT_NEAR(m.input.egress_bytes, 50 * kGB, 1);  // the design document's 50 GB
  EXPECT_TRUE(m.input.early_deletion_gb_months.empty());

  const CostEstimate e = Estimate(m.input, Prices{});
  EXPECT_NEAR(CostOf(e, "Hot storage"), 0.36, 1e-9);
  EXPECT_NEAR(CostOf(e, "Cool storage"), 0.40, 1e-9);
  EXPECT_NEAR(CostOf(e, "Archive storage"), 0.0, 1e-9);
  EXPECT_NEAR(CostOf(e, "Operations"), 0.308, 1e-9);  // 6 × 0.05 + 2 × 0.004
  EXPECT_NEAR(CostOf(e, "CDN egress"), 5.00, 1e-9);
  EXPECT_NEAR(e.total_usd, 6.068, 1e-9);
  EXPECT_EQ(m.assumptions["delete_after_days"], 90);
  EXPECT_EQ(m.input.tier_notes.at(AccessTier::kHot), "0-30 days");
  EXPECT_EQ(m.input.tier_notes.at(AccessTier::kCool), "30-90 days");
}

// Azure's 128 KiB minimum: the thumbnail and metadata.json of each of the 20,000 images in cool
// (two months of uploads) are billed as 128 KiB each; hot is billed as it is.
TEST(CostProjection, SmallBlobsAreBilledAtTheMinimumOutsideHot) {
  const ProjectedMonth plain = Project(DesignScenario("free"));
  const ProjectedMonth m = Project(DesignScenario("free"), {}, 128 * 1024);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kHot), plain.input.bytes.at(AccessTier::kHot), 1);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kCool), 40 * kGB + 20000 * 2 * 131072.0, 1);
  EXPECT_EQ(m.input.tier_notes.at(AccessTier::kCool),
            "30-90 days; 40000 small blobs billed as 128 KiB");
  Projection with_renditions = DesignScenario("free");
  with_renditions.small_blobs_per_image = 10;  // + 8 renditions under the minimum
  EXPECT_NEAR(Project(with_renditions, {}, 128 * 1024).input.bytes.at(AccessTier::kCool),
              40 * kGB + 20000 * 10 * 131072.0, 1);
  auto parsed = ParseProjection({{"small_blobs_per_image", 10}});
  ASSERT_TRUE(parsed);
  EXPECT_DOUBLE_EQ(parsed->small_blobs_per_image, 10);
}

// Basic: archived at 90, deleted at 180: 3 months in archive (60 GB), and Azure's 180-day archive
// minimum charges the other 90 days of every blob deleted: 20 GB × 3 months.
TEST(CostProjection, BasicTierPaysArchiveEarlyDeletion) {
  const ProjectedMonth m = Project(DesignScenario("basic"));
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kArchive), 60 * kGB, 1);
  EXPECT_NEAR(m.input.early_deletion_gb_months.at(AccessTier::kArchive), 60, 1e-9);
  EXPECT_NEAR(m.input.operations.write, 90000, 1e-6);  // put + to cool + to archive
  const CostEstimate e = Estimate(m.input, Prices{});
  EXPECT_NEAR(CostOf(e, "Archive storage"), 0.0594, 1e-9);
  EXPECT_NEAR(CostOf(e, "Archive early deletion"), 0.0594, 1e-9);
  EXPECT_NEAR(e.total_usd, 0.36 + 0.40 + 0.0594 + 0.0594 + 0.458 + 5.00, 1e-9);
}

// Pro: 275 days in archive (90..365), past the minimum: no early deletion.
TEST(CostProjection, ProTierArchivesNineMonths) {
  const ProjectedMonth m = Project(DesignScenario("pro"));
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kArchive), 20 * kGB * 275 / 30, 1);
  EXPECT_TRUE(m.input.early_deletion_gb_months.empty());
  EXPECT_NEAR(CostOf(Estimate(m.input, Prices{}), "Archive storage"), 20.0 * 275 / 30 * 0.00099,
              1e-9);
}

// Enterprise keeps everything: no steady state, so the month is month 12 unless told.
TEST(CostProjection, EnterpriseArchiveGrowsWithTheMonthsRunning) {
  ProjectedMonth m = Project(DesignScenario("enterprise"));
  EXPECT_DOUBLE_EQ(m.months_running, 12.0);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kArchive), 180 * kGB, 1);  // months 4..12: 9 × 20
  EXPECT_EQ(m.assumptions["delete_after_days"], "never");
  EXPECT_NEAR(m.input.operations.free, 0, 1e-9);

  Projection p = DesignScenario("enterprise");
  p.months_running = 24;
  m = Project(p);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kArchive), 420 * kGB, 1);  // 21 × 20
}

// A service one month old has only hot images and has not tiered anything yet.
TEST(CostProjection, FirstMonthIsAllHot) {
  Projection p = DesignScenario("free");
  p.months_running = 1;
  p.cdn_egress_gb_month = 12;
  const ProjectedMonth m = Project(p);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kHot), 20 * kGB, 1);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kCool), 0, 1);
  EXPECT_NEAR(m.input.operations.write, 30000, 1e-6);
  EXPECT_NEAR(m.input.operations.free, 0, 1e-6);
  EXPECT_NEAR(m.input.egress_bytes, 12 * kGB, 1);
}

TEST(CostProjection, RetentionSettingsMoveTheBoundaries) {
  RetentionConfig retention;
  retention.delete_days["free"] = 45;  // deleted 15 days into cool: 15 days of cool minimum left
  const ProjectedMonth m = Project(DesignScenario("free"), retention);
  EXPECT_NEAR(m.input.bytes.at(AccessTier::kCool), 10 * kGB, 1);
  EXPECT_NEAR(m.input.early_deletion_gb_months.at(AccessTier::kCool), 10, 1e-9);
  EXPECT_EQ(m.input.tier_notes.at(AccessTier::kArchive), "none: deleted at 45 days");
}

TEST(CostProjection, ParseReadsFieldsAndRefusesBadOnes) {
  auto p = ParseProjection({{"users", 250},
                            {"images_per_user_month", 4},
                            {"avg_image_mb", 1.5},
                            {"subscription_tier", "pro"},
                            {"cdn_egress_gb_month", 0}});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  EXPECT_DOUBLE_EQ(p->users, 250);
  EXPECT_DOUBLE_EQ(p->avg_image_mb, 1.5);
  EXPECT_EQ(p->subscription_tier, "pro");
  EXPECT_EQ(p->cdn_egress_gb_month, 0.0);
  EXPECT_DOUBLE_EQ(Project(*p).new_gb_month, 1.5);  // 1000 images × 1.5 MB

  struct Case {
    nlohmann::json args;
    std::string named;
  };
  const Case cases[] = {{{{"user", 5}}, "user"},
                        {{{"users", -1}}, "users"},
                        {{{"avg_image_mb", "2"}}, "avg_image_mb"},
                        {{{"subscription_tier", "gold"}}, "subscription_tier"},
                        {{{"months_running", 0}}, "months_running"},
                        {nlohmann::json(3), "object"}};
  for (const Case& c : cases) {
    auto bad = ParseProjection(c.args);
    ASSERT_FALSE(bad.has_value()) << c.args.dump();
    EXPECT_EQ(bad.error().reason, "bad_input");
    EXPECT_TRUE(Contains(bad.error().message, c.named)) << bad.error().message;
  }
}

}  // namespace
}  // namespace noisett::lifecycle
