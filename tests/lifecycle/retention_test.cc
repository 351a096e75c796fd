// Retention by subscription tier: NOISETT_RETENTION_DAYS parsing, and DefaultPolicy, which must
// be byte for byte the shipped deploy/azure/blob-lifecycle-policy.json.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "lifecycle/policy.h"
#include "lifecycle/retention.h"

namespace noisett::lifecycle {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const Rule* FindRule(const Policy& policy, const std::string& name) {
  for (const Rule& rule : policy.rules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

TEST(Retention, SubscriptionTiersInOrder) {
  EXPECT_EQ(SubscriptionTiers(), (std::vector<std::string>{"free", "basic", "pro", "enterprise"}));
  EXPECT_TRUE(IsSubscriptionTier("pro"));
  EXPECT_FALSE(IsSubscriptionTier("Pro"));
  EXPECT_FALSE(IsSubscriptionTier(""));
  EXPECT_FALSE(IsSubscriptionTier("platinum"));
}

TEST(Retention, ParsesDaysPerTier) {
  auto config = ParseRetentionDays("free=30, basic = 60,pro=never,enterprise=1000");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->delete_days.at("free"), 30);
  EXPECT_EQ(config->delete_days.at("basic"), 60);
  EXPECT_EQ(config->delete_days.at("pro"), std::nullopt);
  EXPECT_EQ(config->delete_days.at("enterprise"), 1000);
}

TEST(Retention, TiersLeftOutKeepTheirDefaults) {
  auto config = ParseRetentionDays("basic=200");
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->delete_days.at("free"), 90);
  EXPECT_EQ(config->delete_days.at("basic"), 200);
  EXPECT_EQ(config->delete_days.at("pro"), 365);
  EXPECT_EQ(config->delete_days.at("enterprise"), std::nullopt);
  EXPECT_EQ(config->cool_days, 30);

  RetentionConfig base;
  base.archive_days = 120;
  auto empty = ParseRetentionDays("  ", base);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->archive_days, 120);
  EXPECT_EQ(empty->delete_days, base.delete_days);
}

TEST(Retention, RefusesBadRetention) {
  for (const char* text : {"gold=90", "free", "free=0", "free=100000", "free=-1", "free=ninety",
                           "free=90x", "free=", "free=90,free=91", "free=90,,basic=1",
                           "=90", "Free=90"}) {
    auto config = ParseRetentionDays(text);
    ASSERT_FALSE(config) << text;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_EQ(config.error().reason, "bad_retention") << text;
  }
  EXPECT_TRUE(ParseRetentionDays("free=1,pro=99999"));
}

// The shipped file is what SerializePolicy prints, so `noisett lifecycle.export`, the sweeper and
// setup.sh can never disagree.
TEST(Retention, DefaultPolicyIsTheShippedFileByteForByte) {
  const std::string shipped =
      ReadFile(std::string(NOISETT_SOURCE_DIR) + "/deploy/azure/blob-lifecycle-policy.json");
  ASSERT_FALSE(shipped.empty());
  EXPECT_EQ(SerializePolicy(DefaultPolicy("noisett-storage")), shipped);
  auto parsed = ParsePolicy(shipped);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(SerializePolicy(*parsed), shipped);
}

TEST(Retention, DefaultPolicyShape) {
  const Policy policy = DefaultPolicy("noisett-storage");
  std::vector<std::string> names;
  for (const Rule& rule : policy.rules) {
    names.push_back(rule.name);
    EXPECT_TRUE(rule.enabled);
    EXPECT_EQ(rule.filters.blob_types, std::vector<std::string>{"blockBlob"});
    EXPECT_EQ(rule.filters.prefixes, std::vector<std::string>{"noisett-storage/generated/"});
  }
  EXPECT_EQ(names, (std::vector<std::string>{"tier-to-cool", "tier-to-archive", "delete-free-tier",
                                             "delete-basic-tier", "delete-pro-tier",
                                             "delete-previous-versions"}));
  const Rule* archive = FindRule(policy, "tier-to-archive");
  ASSERT_TRUE(archive);
  ASSERT_EQ(archive->base_blob.size(), 1u);
  EXPECT_EQ(archive->base_blob[0].days_after_last_tier_change, 7);
  // Only images and thumbnails are archived: metadata.json has no blob_kind tag.
  ASSERT_EQ(archive->filters.tag_matches.size(), 1u);
  EXPECT_EQ(archive->filters.tag_matches[0].name, "blob_kind");
  EXPECT_EQ(archive->filters.tag_matches[0].value, "image");
  for (const Rule& rule : policy.rules) {
    if (&rule == archive) continue;
    for (const TagMatch& tag : rule.filters.tag_matches) {
      EXPECT_NE(tag.name, "blob_kind") << rule.name << " must reach metadata.json too";
    }
  }
  const Rule* pro = FindRule(policy, "delete-pro-tier");
  ASSERT_TRUE(pro);
  ASSERT_EQ(pro->base_blob.size(), 1u);
  EXPECT_EQ(pro->base_blob[0].days, 365);
  ASSERT_EQ(pro->version.size(), 1u);
  EXPECT_EQ(pro->version[0].basis, AgeBasis::kCreation);
  ASSERT_EQ(pro->snapshot.size(), 1u);
  ASSERT_EQ(pro->filters.tag_matches.size(), 1u);
  EXPECT_EQ(pro->filters.tag_matches[0].name, "subscription_tier");
  EXPECT_EQ(pro->filters.tag_matches[0].value, "pro");
}

TEST(Retention, DefaultPolicyFollowsTheConfig) {
  auto config = ParseRetentionDays("free=never,enterprise=3650");
  ASSERT_TRUE(config);
  config->cool_days = 10;
  config->version_days = 5;
  const Policy policy = DefaultPolicy("other-box", *config);
  EXPECT_FALSE(FindRule(policy, "delete-free-tier"));
  const Rule* enterprise = FindRule(policy, "delete-enterprise-tier");
  ASSERT_TRUE(enterprise);
  EXPECT_EQ(enterprise->base_blob[0].days, 3650);
  EXPECT_EQ(FindRule(policy, "tier-to-cool")->base_blob[0].days, 10);
  EXPECT_EQ(FindRule(policy, "delete-previous-versions")->version[0].days, 5);
  EXPECT_EQ(policy.rules[0].filters.prefixes, std::vector<std::string>{"other-box/generated/"});
  auto parsed = ParsePolicy(SerializePolicy(policy));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(SerializePolicy(*parsed), SerializePolicy(policy));
}

}  // namespace
}  // namespace noisett::lifecycle
