// users.set_tier and cost.estimate on the real App in this process (testing::TestApp: the local
// store in a temporary directory, a SQLite catalog file), images uploaded through images.upload.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "image/test_images.h"
#include "support/test_app.h"

namespace noisett::service {
namespace {

using storage::AccessTier;

class TierCommandsTest : public ::testing::Test {
 protected:
  TierCommandsTest() {
    noisett::testing::InitVips();
    StartService({});
  }

  // The App again (a fresh data dir), with `settings` as flags.
  void StartService(app::Flags settings) {
    app_.reset();
    app_ = std::make_unique<noisett::testing::TestApp>(
        noisett::testing::TestAppOptions{.clock = &clock_, .settings = std::move(settings)});
    ASSERT_TRUE(app_->ok()) << app_->error();
  }
  storage::BlobStore& blobs() { return app_->app().blobs(); }
  catalog::Catalog& catalog() { return app_->app().catalog(); }

  static auth::User As(const std::string& id, bool admin = false) {
    auth::User u;
    u.user_id = id;
    u.name = id;
    if (admin) u.roles = {std::string(auth::kAdminRole)};
    return u;
  }

  Result<nlohmann::json> Run(const std::string& command, const auth::User& user,
                             const nlohmann::json& args, std::string_view body = {}) {
    return app_->Run(command, user, args, body);
  }

  nlohmann::json Admin(const std::string& command, const nlohmann::json& args) {
    auto out = Run(command, As("root", true), args);
    EXPECT_TRUE(out.has_value()) << command << ": " << out.error().ToString();
    return out ? *out : nlohmann::json();
  }

  // One image in a new job; returns the job id.
  std::string Upload(const std::string& user, int width = 48) {
    const std::string png = noisett::testing::ToPng(noisett::testing::Textured(width, 32));
    auto out = Run("images.upload", As(user), {{"seed", width}}, png);
    EXPECT_TRUE(out.has_value()) << out.error().ToString();
    return out ? out->value("job_id", "") : "";
  }

  // Every current blob under generated/{user}/ with its tags.
  std::vector<storage::BlobProperties> BlobsOf(const std::string& user) {
    storage::ListOptions options;
    options.prefix = "generated/" + user + "/";
    options.include_tags = true;
    auto page = blobs().List(options);
    EXPECT_TRUE(page.has_value());
    return page ? page->items : std::vector<storage::BlobProperties>{};
  }

  std::string TierTag(const storage::BlobProperties& blob) {
    auto it = blob.tags.find("subscription_tier");
    return it == blob.tags.end() ? "(none)" : it->second;
  }

  ManualClock clock_{1'800'000'000};
  std::unique_ptr<noisett::testing::TestApp> app_;
};

TEST_F(TierCommandsTest, SetTierRetagsEveryBlobOfTheUserAndNoOther) {
  Upload("alice", 40);
  Upload("alice", 56);
  Upload("bob", 48);
  std::vector<storage::BlobProperties> alice = BlobsOf("alice");
  ASSERT_EQ(alice.size(), 6u);  // 2 × (image, thumbnail, metadata.json)
  // A tag of someone else's (an operator's own) survives the re-tag.
  storage::Tags extra = alice[0].tags;
  extra["keep"] = "me";
  ASSERT_TRUE(blobs().SetTags(alice[0].name, extra).has_value());
  // An archived blob is re-tagged too (Set Blob Tags works on archived blobs).
  ASSERT_TRUE(blobs().SetTier(alice[1].name, AccessTier::kArchive).has_value());

  const nlohmann::json out = Admin("users.set_tier", {{"user_id", "alice"}, {"tier", "pro"}});
  EXPECT_EQ(out["user_id"], "alice");
  EXPECT_EQ(out["tier"], "pro");
  EXPECT_EQ(out["previous_tier"], "free");
  EXPECT_EQ(out["blobs_retagged"], 6);
  EXPECT_EQ(out["blobs_failed"], 0);
  EXPECT_TRUE(out["errors"].empty()) << out.dump();

  EXPECT_EQ(catalog().GetUser("alice")->subscription_tier, "pro");
  EXPECT_EQ(catalog().GetUser("bob")->subscription_tier, "free");
  for (const auto& blob : BlobsOf("alice")) {
    EXPECT_EQ(TierTag(blob), "pro") << blob.name;
    if (blob.name == alice[0].name) {
      EXPECT_EQ(blob.tags.at("keep"), "me");
    }
  }
  for (const auto& blob : BlobsOf("bob")) EXPECT_EQ(TierTag(blob), "free") << blob.name;

  // Uploads after the change are tagged with the new tier; a second run has nothing left to do.
  Upload("alice", 64);
  for (const auto& blob : BlobsOf("alice")) EXPECT_EQ(TierTag(blob), "pro") << blob.name;
  const nlohmann::json again = Admin("users.set_tier", {{"user_id", "alice"}, {"tier", "pro"}});
  EXPECT_EQ(again["previous_tier"], "pro");
  EXPECT_EQ(again["blobs_retagged"], 0);
  EXPECT_EQ(again["blobs_checked"], 9);
}

TEST_F(TierCommandsTest, SetTierRefusals) {
  Upload("alice");
  auto refused = [&](const auth::User& who, const nlohmann::json& args) {
    auto out = Run("users.set_tier", who, args);
    EXPECT_FALSE(out.has_value()) << args.dump();
    return out ? Error{} : out.error();
  };
  Error e = refused(As("root", true), {{"user_id", "alice"}, {"tier", "gold"}});
  EXPECT_EQ(e.reason, "bad_input");
  EXPECT_NE(e.message.find("tier"), std::string::npos) << e.message;
  e = refused(As("root", true), {{"user_id", "nobody"}, {"tier", "pro"}});
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.reason, "user_not_found");
  e = refused(As("alice"), {{"user_id", "alice"}, {"tier", "enterprise"}});
  EXPECT_EQ(e.reason, "not_admin");
  e = refused(As("root", true), {{"user_id", "../alice"}, {"tier", "pro"}});
  EXPECT_EQ(e.reason, "bad_input");
  e = refused(As("root", true), {{"user_id", "alice"}});
  EXPECT_EQ(e.reason, "bad_input");
  e = refused(As("root", true), {{"user_id", "alice"}, {"tier", "pro"}, {"tiers", "x"}});
  EXPECT_EQ(e.reason, "bad_input");
  // Nothing changed.
  EXPECT_EQ(catalog().GetUser("alice")->subscription_tier, "free");
  for (const auto& blob : BlobsOf("alice")) EXPECT_EQ(TierTag(blob), "free");
}

TEST_F(TierCommandsTest, NewUsersGetTheDefaultTierAndKeepTheirOwn) {
  StartService({{"--default-tier", "basic"}});
  Upload("carol");
  EXPECT_EQ(catalog().GetUser("carol")->subscription_tier, "basic");
  for (const auto& blob : BlobsOf("carol")) EXPECT_EQ(TierTag(blob), "basic") << blob.name;

  Admin("users.set_tier", {{"user_id", "carol"}, {"tier", "enterprise"}});
  Upload("carol", 60);  // an existing user keeps their tier, whatever the default
  EXPECT_EQ(catalog().GetUser("carol")->subscription_tier, "enterprise");
  for (const auto& blob : BlobsOf("carol")) EXPECT_EQ(TierTag(blob), "enterprise") << blob.name;
}

TEST_F(TierCommandsTest, ATierClaimMovesTheUserAndTheirBlobsOnUpload) {
  Upload("dave", 40);  // free, the default
  auth::User claimed = As("dave");
  claimed.subscription_tier = "pro";  // what NOISETT_TIER_CLAIM read from the token
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(50, 32));
  ASSERT_TRUE(Run("images.upload", claimed, {{"seed", 1}}, png).has_value());
  EXPECT_EQ(catalog().GetUser("dave")->subscription_tier, "pro");
  const auto blobs = BlobsOf("dave");
  EXPECT_EQ(blobs.size(), 6u);  // both jobs: image, thumbnail, metadata.json
  for (const auto& blob : blobs) EXPECT_EQ(TierTag(blob), "pro") << blob.name;

  // A value that is not a tier changes nothing (and does not refuse the upload).
  claimed.subscription_tier = "gold";
  ASSERT_TRUE(Run("images.upload", claimed, {{"seed", 2}}, png).has_value());
  EXPECT_EQ(catalog().GetUser("dave")->subscription_tier, "pro");
  for (const auto& blob : BlobsOf("dave")) EXPECT_EQ(TierTag(blob), "pro") << blob.name;
  // Another user is untouched by dave's claim.
  Upload("erin");
  EXPECT_EQ(catalog().GetUser("erin")->subscription_tier, "free");
}

TEST_F(TierCommandsTest, CostEstimateMeasuresTheBytesStoredPerTier) {
  Upload("alice", 40);
  Upload("alice", 56);
  Upload("bob", 72);
  // Move some blobs behind the service's back, as the lifecycle sweeper would.
  std::map<AccessTier, uint64_t> expected;
  std::map<AccessTier, uint64_t> billable;  // each cool/archive blob billed as >= 128 KiB
  std::map<AccessTier, int> small;
  std::map<AccessTier, int> count;
  int i = 0;
  for (const std::string user : {"alice", "bob"}) {
    for (const auto& blob : BlobsOf(user)) {
      const AccessTier tier = i % 3 == 0 ? AccessTier::kCool
                              : i % 4 == 1 ? AccessTier::kArchive
                                           : AccessTier::kHot;
      ++i;
      if (tier != AccessTier::kHot) {
        ASSERT_TRUE(blobs().SetTier(blob.name, tier).has_value());
      }
      expected[tier] += blob.size;
      count[tier] += 1;
      const bool raised = tier != AccessTier::kHot && blob.size < 128 * 1024;
      billable[tier] += raised ? 128 * 1024 : blob.size;
      small[tier] += raised ? 1 : 0;
    }
  }
  ASSERT_GT(expected[AccessTier::kCool], 0u);
  ASSERT_GT(expected[AccessTier::kArchive], 0u);

  const nlohmann::json out = Admin("cost.estimate", nlohmann::json::object());
  const nlohmann::json& measured = out["measured"];
  EXPECT_EQ(measured["stored"]["hot"]["bytes"], expected[AccessTier::kHot]) << measured.dump(2);
  EXPECT_EQ(measured["stored"]["cool"]["bytes"], expected[AccessTier::kCool]);
  EXPECT_EQ(measured["stored"]["archive"]["bytes"], expected[AccessTier::kArchive]);
  EXPECT_EQ(measured["stored"]["cold"]["bytes"], 0);
  EXPECT_EQ(measured["stored"]["cool"]["blobs"], count[AccessTier::kCool]);
  EXPECT_EQ(measured["stored"]["archive"]["blobs"], count[AccessTier::kArchive]);
  // Azure's 128 KiB minimum billable size for cool, cold and archive (thumbnails and
  // metadata.json are far under it); hot is billed as it is.
  ASSERT_GT(small[AccessTier::kCool] + small[AccessTier::kArchive], 0);
  EXPECT_EQ(measured["stored"]["hot"]["billable_bytes"], expected[AccessTier::kHot]);
  EXPECT_EQ(measured["stored"]["cool"]["billable_bytes"], billable[AccessTier::kCool]);
  EXPECT_EQ(measured["stored"]["archive"]["billable_bytes"], billable[AccessTier::kArchive]);
  EXPECT_EQ(measured["stored"]["cool"]["blobs_under_minimum"], small[AccessTier::kCool]);
  EXPECT_EQ(measured["stored"]["archive"]["blobs_under_minimum"], small[AccessTier::kArchive]);

  const double gb = 1e9;
  const std::map<std::string, std::pair<AccessTier, double>> rows = {
      {"Hot storage", {AccessTier::kHot, 0.018}},
      {"Cool storage", {AccessTier::kCool, 0.010}},
      {"Archive storage", {AccessTier::kArchive, 0.00099}}};
  int seen = 0;
  for (const nlohmann::json& row : measured["rows"]) {
    auto it = rows.find(row["item"].get<std::string>());
    if (it == rows.end()) continue;
    ++seen;
    const double quantity = double(billable[it->second.first]) / gb;
    EXPECT_NEAR(row["quantity_gb"].get<double>(), quantity, 1e-6) << row.dump();
    EXPECT_NEAR(row["cost_usd"].get<double>(), quantity * it->second.second, 1e-6) << row.dump();
    if (small[it->second.first] > 0) {
      EXPECT_EQ(row["note"], std::to_string(small[it->second.first]) +
                                 " blobs under 128 KiB billed as 128 KiB");
    }
  }
  EXPECT_EQ(seen, 3);
  // An account without the minimum (created before July 2026) pays for the bytes themselves.
  const nlohmann::json exact =
      Admin("cost.estimate", {{"prices", {{"min_billable_kib", 0}}}})["measured"];
  EXPECT_EQ(exact["stored"]["cool"]["billable_bytes"], expected[AccessTier::kCool]);
  for (const nlohmann::json& row : exact["rows"]) {
    if (row["item"] != "Archive storage") continue;
    EXPECT_NEAR(row["quantity_gb"].get<double>(), double(expected[AccessTier::kArchive]) / gb,
                1e-6);
  }
  EXPECT_NE(out["table"].get<std::string>().find("Hot storage"), std::string::npos);
  EXPECT_FALSE(out.contains("projection"));
}

TEST_F(TierCommandsTest, CostEstimateProjectionPricesAndRefusals) {
  // An account without the 128 KiB minimum: the design document's arithmetic.
  const nlohmann::json out = Admin(
      "cost.estimate", {{"prices", {{"cool", 0.0152}, {"min_billable_kib", 0}}},
                        {"projection", {{"users", 1000}, {"subscription_tier", "free"}}}});
  EXPECT_DOUBLE_EQ(out["prices"]["cool"].get<double>(), 0.0152);
  const nlohmann::json& projection = out["projection"];
  ASSERT_TRUE(projection.is_object()) << out.dump(2);
  EXPECT_EQ(projection["assumptions"]["subscription_tier"], "free");
  bool found_cool = false;
  for (const nlohmann::json& row : projection["rows"]) {
    if (row["item"] != "Cool storage") continue;
    found_cool = true;
    EXPECT_NEAR(row["quantity_gb"].get<double>(), 40.0, 1e-9);
    EXPECT_NEAR(row["cost_usd"].get<double>(), 40 * 0.0152, 1e-9);
  }
  EXPECT_TRUE(found_cool) << projection.dump(2);
  const std::string table = out["table"];
  EXPECT_NE(table.find("Projection: 1000 users"), std::string::npos) << table;
  EXPECT_NE(table.find("40.00 GB × $0.0152 ="), std::string::npos) << table;

  // With it (the default), the 20,000 cool images' thumbnails and metadata.json are 128 KiB each.
  const nlohmann::json minimum =
      Admin("cost.estimate",
            {{"projection", {{"users", 1000}, {"subscription_tier", "free"}}}});
  for (const nlohmann::json& row : minimum["projection"]["rows"]) {
    if (row["item"] != "Cool storage") continue;
    EXPECT_NEAR(row["quantity_gb"].get<double>(), 40.0 + 20000.0 * 2 * 131072 / 1e9, 1e-9);
  }

  auto refused = Run("cost.estimate", As("alice"), nlohmann::json::object());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "not_admin");
  refused = Run("cost.estimate", As("root", true), {{"prices", {{"hott", 1}}}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "bad_input");
  EXPECT_NE(refused.error().message.find("hott"), std::string::npos);
  refused = Run("cost.estimate", As("root", true), {{"projection", {{"subscription_tier", "x"}}}});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, "bad_input");
}

// Operations and egress come from the metrics registry: the App's store counts every operation
// (InstrumentedBlobStore, as `serve` has it), priced by Azure's operation classes.
TEST_F(TierCommandsTest, CostEstimatePricesTheOperationsTheStoreCounted) {
  auto ops = [&](const nlohmann::json& estimate) {
    for (const nlohmann::json& row : estimate["measured"]["rows"]) {
      if (row["item"] == "Operations") return row["operations"];
    }
    ADD_FAILURE() << "no Operations row: " << estimate.dump(2);
    return nlohmann::json();
  };
  const nlohmann::json before = ops(Admin("cost.estimate", nlohmann::json::object()));
  const std::string job = Upload("alice", 40);
  Upload("alice", 56);
  storage::BlobStore& store = blobs();
  ASSERT_TRUE(store.Get("generated/alice/" + job + "/metadata.json").has_value());
  ASSERT_TRUE(store.Delete("generated/alice/" + job + "/metadata.json").has_value());
  const nlohmann::json after = ops(Admin("cost.estimate", nlohmann::json::object()));
  auto delta = [&](const char* cls) {
    return after[cls].get<double>() - before[cls].get<double>();
  };
  EXPECT_EQ(delta("write"), 2 * 3 + 1) << "3 puts per upload, and the estimate's own listing";
  EXPECT_EQ(delta("read"), 1);
  EXPECT_EQ(delta("free"), 1);
}

}  // namespace
}  // namespace noisett::service
