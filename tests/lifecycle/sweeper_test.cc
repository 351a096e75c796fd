// The sweeper applying the shipped policy (DefaultPolicy: cool after 30 days, archive after 90,
// delete after 90 / 180 / 365 days for free / basic / pro, never for enterprise) to a real
// LocalBlobStore in a temporary directory, with a ManualClock standing at each age.
#include "lifecycle/sweeper.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lifecycle/retention.h"
#include "lifecycle/usage.h"
#include "storage/local_blob_store.h"

namespace noisett::lifecycle {
namespace {

using storage::AccessTier;

constexpr int64_t kT0 = 1'800'000'000;
constexpr int64_t kDay = 86400;
constexpr char kContainer[] = "noisett-storage";

// One blob per subscription tier, each of a distinct size so byte tallies say which moved.
const std::map<std::string, uint64_t> kSizes = {
    {"free", 1000}, {"basic", 2000}, {"pro", 3000}, {"enterprise", 4000}};

std::string NameFor(const std::string& tier) { return "generated/" + tier + "/image_0.jpg"; }

// What the sweeper told the catalog side.
struct RecordingObserver final : SweepObserver {
  void OnTierChanged(std::string_view name, AccessTier tier) override {
    tiers[std::string(name)] = tier;
  }
  void OnDeleted(std::string_view name, int64_t now) override {
    deleted[std::string(name)] = now;
  }
  void OnPurged(const std::vector<std::string>& names) override {
    purged.insert(purged.end(), names.begin(), names.end());
  }
  bool Heard() const { return !tiers.empty() || !deleted.empty() || !purged.empty(); }

  std::map<std::string, AccessTier> tiers;
  std::map<std::string, int64_t> deleted;
  std::vector<std::string> purged;
};

class SweeperTest : public ::testing::Test {
 protected:
  SweeperTest() {
    char tmpl[] = "/tmp/noisett-sweeper-XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage::LocalStoreConfig config;
    config.root = dir_;
    config.retention_days = 7;
    auto store = storage::LocalBlobStore::Open(config, clock_);
    EXPECT_TRUE(store.has_value());
    store_ = std::move(*store);
  }
  ~SweeperTest() override { std::filesystem::remove_all(dir_); }

  // Tagged as an upload tags it: subscription_tier (when given) and, for an image or thumbnail,
  // blob_kind=image, which the archive rule filters on (metadata.json has no blob_kind).
  void Put(const std::string& name, uint64_t size, const std::string& subscription_tier,
           bool image = true) {
    storage::PutOptions put;
    put.content_type = image ? "image/jpeg" : "application/json";
    if (!subscription_tier.empty()) put.tags = {{"subscription_tier", subscription_tier}};
    if (image) put.tags["blob_kind"] = "image";
    auto written = store_->Put(name, std::string(size, 'x'), put);
    ASSERT_TRUE(written.has_value()) << name << ": " << written.error().ToString();
  }
  void PutOnePerTier() {
    for (const auto& [tier, size] : kSizes) Put(NameFor(tier), size, tier);
  }

  SweepSummary Sweep(bool dry_run, RecordingObserver& observer, SweepOptions options = {}) {
    options.container = kContainer;
    options.dry_run = dry_run;
    options.soft_delete_seconds = 7 * kDay;
    if (!options.purge) {
      options.purge = [this](bool preview) { return store_->PurgeExpired(preview); };
    }
    auto summary = lifecycle::Sweep(*store_, policy_, clock_, observer, options);
    EXPECT_TRUE(summary.has_value()) << summary.error().ToString();
    return summary ? std::move(*summary) : SweepSummary{};
  }
  SweepSummary Sweep(bool dry_run) {
    RecordingObserver observer;
    return Sweep(dry_run, observer);
  }

  // "Hot"/"Cool"/"Archive", or "deleted" for a soft-deleted blob, "gone" when purged.
  std::string StateOf(const std::string& name) {
    auto props = store_->GetProperties(name);
    if (props) return std::string(storage::AccessTierName(props->tier));
    storage::ListOptions list;
    list.prefix = name;
    list.include_deleted = true;
    auto page = store_->List(list);
    EXPECT_TRUE(page.has_value());
    for (const auto& item : page->items) {
      if (item.name == name && item.deleted) return "deleted";
    }
    return "gone";
  }

  // Every listed item with what a pass may change, to prove a dry run changed nothing.
  std::vector<std::string> Snapshot() {
    storage::ListOptions list;
    list.prefix = "generated/";
    list.include_deleted = list.include_versions = list.include_tags = true;
    auto page = store_->List(list);
    EXPECT_TRUE(page.has_value());
    std::vector<std::string> rows;
    for (const auto& b : page->items) {
      rows.push_back(b.name + " " + b.version_id + " " + b.etag + " " +
                     std::string(storage::AccessTierName(b.tier)) + " " +
                     std::to_string(b.tier_changed) + " " + (b.deleted ? "deleted" : "live"));
    }
    return rows;
  }

  // The per-tier tally must be what the store holds afterwards (what cost.estimate bills).
  void ExpectTiersMatchTheStore(const SweepSummary& summary) {
    auto usage = ScanUsage(*store_, "generated/");
    ASSERT_TRUE(usage.has_value());
    for (const auto& [tier, held] : usage->tiers) {
      const Tally& t = summary.tiers.at(std::string(storage::AccessTierName(tier)));
      EXPECT_EQ(t.count, held.blobs) << storage::AccessTierName(tier);
      EXPECT_EQ(t.bytes, held.bytes) << storage::AccessTierName(tier);
    }
  }

  std::string dir_;
  ManualClock clock_{kT0};
  std::unique_ptr<storage::LocalBlobStore> store_;
  Policy policy_ = DefaultPolicy(kContainer);
};

void ExpectTally(const std::map<std::string, Tally>& map, const std::string& key, int64_t count,
                 uint64_t bytes) {
  ASSERT_TRUE(map.count(key)) << key;
  EXPECT_EQ(map.at(key).count, count) << key;
  EXPECT_EQ(map.at(key).bytes, bytes) << key;
}

void ExpectSameDecisions(const SweepSummary& dry, const SweepSummary& real) {
  EXPECT_TRUE(dry.dry_run);
  EXPECT_FALSE(real.dry_run);
  EXPECT_EQ(dry.scanned, real.scanned);
  for (const auto& [key, tally] : real.actions) ExpectTally(dry.actions, key, tally.count, tally.bytes);
  for (const auto& [key, tally] : real.tiers) ExpectTally(dry.tiers, key, tally.count, tally.bytes);
  EXPECT_EQ(dry.errors, real.errors);
}

struct AgeCase {
  int days;
  std::map<std::string, std::string> expected;  // subscription tier -> state after the pass
};

class AgeTest : public SweeperTest, public ::testing::WithParamInterface<AgeCase> {};

// Blobs written at t0, the clock at t0 + N days, one pass: each subscription tier's blob ends
// where the design document says; a dry run first decides exactly the same and changes nothing.
TEST_P(AgeTest, EachSubscriptionTierEndsWhereThePolicySays) {
  const AgeCase& c = GetParam();
  PutOnePerTier();
  clock_.Set(kT0 + c.days * kDay);

  const std::vector<std::string> before = Snapshot();
  RecordingObserver dry_observer;
  const SweepSummary dry = Sweep(true, dry_observer);
  EXPECT_EQ(Snapshot(), before) << "a dry run changed the store";
  EXPECT_FALSE(dry_observer.Heard());

  RecordingObserver observer;
  const SweepSummary real = Sweep(false, observer);
  ExpectSameDecisions(dry, real);
  EXPECT_TRUE(real.errors.empty());
  EXPECT_EQ(real.scanned, 4);

  std::map<std::string, Tally> actions;
  std::map<std::string, Tally> tiers;
  for (const auto& [tier, size] : kSizes) {
    const std::string& want = c.expected.at(tier);
    EXPECT_EQ(StateOf(NameFor(tier)), want) << tier << " at " << c.days << " days";
    const std::string action = want == "Cool"      ? "tierToCool"
                               : want == "Archive" ? "tierToArchive"
                               : want == "deleted" ? "delete"
                                                   : "";
    if (!action.empty()) {
      actions[action].count += 1;
      actions[action].bytes += size;
    }
    // A soft-deleted blob still holds its bytes (in its tier) until it is purged.
    Tally& held = tiers[want == "deleted" ? "Hot" : want];
    held.count += 1;
    held.bytes += size;
    if (want == "deleted") {
      EXPECT_EQ(observer.deleted.count(NameFor(tier)), 1u) << tier;
    } else if (want != "Hot") {
      EXPECT_EQ(storage::AccessTierName(observer.tiers.at(NameFor(tier))), want) << tier;
    }
  }
  for (const char* key : {"tierToCool", "tierToCold", "tierToArchive", "delete", "deleteVersion",
                          "purge"}) {
    ExpectTally(real.actions, key, actions[key].count, actions[key].bytes);
  }
  for (const char* key : {"Hot", "Cool", "Cold", "Archive"}) {
    ExpectTally(real.tiers, key, tiers[key].count, tiers[key].bytes);
  }
  ExpectTiersMatchTheStore(real);
}

INSTANTIATE_TEST_SUITE_P(
    DesignDocumentAges, AgeTest,
    ::testing::Values(
        AgeCase{29, {{"free", "Hot"}, {"basic", "Hot"}, {"pro", "Hot"}, {"enterprise", "Hot"}}},
        AgeCase{31, {{"free", "Cool"}, {"basic", "Cool"}, {"pro", "Cool"}, {"enterprise", "Cool"}}},
        AgeCase{89, {{"free", "Cool"}, {"basic", "Cool"}, {"pro", "Cool"}, {"enterprise", "Cool"}}},
        AgeCase{91,
                {{"free", "deleted"}, {"basic", "Archive"}, {"pro", "Archive"},
                 {"enterprise", "Archive"}}},
        AgeCase{181,
                {{"free", "deleted"}, {"basic", "deleted"}, {"pro", "Archive"},
                 {"enterprise", "Archive"}}},
        AgeCase{366,
                {{"free", "deleted"}, {"basic", "deleted"}, {"pro", "deleted"},
                 {"enterprise", "Archive"}}}),
    [](const ::testing::TestParamInfo<AgeCase>& age) {
      return "Day" + std::to_string(age.param.days);
    });

// One store living through a year, swept on the way: hot → cool → archive, deletions by
// subscription tier, and each soft-deleted blob purged once the 7-day window has passed.
TEST_F(SweeperTest, AYearOfSweepsWithPurgeAfterTheWindow) {
  PutOnePerTier();
  clock_.Set(kT0 + 31 * kDay);
  EXPECT_EQ(Sweep(false).actions.at("tierToCool").count, 4);

  clock_.Set(kT0 + 91 * kDay);
  SweepSummary s = Sweep(false);
  ExpectTally(s.actions, "delete", 1, 1000);
  ExpectTally(s.actions, "tierToArchive", 3, 9000);
  ExpectTally(s.actions, "purge", 0, 0);
  EXPECT_EQ(StateOf(NameFor("free")), "deleted");

  // One second before the window ends nothing is purged; at its end the blob goes for good.
  clock_.Set(kT0 + 98 * kDay - 1);
  RecordingObserver early;
  ExpectTally(Sweep(false, early).actions, "purge", 0, 0);
  EXPECT_TRUE(early.purged.empty());
  EXPECT_EQ(StateOf(NameFor("free")), "deleted");
  clock_.Set(kT0 + 98 * kDay);
  RecordingObserver observer;
  s = Sweep(false, observer);
  ExpectTally(s.actions, "purge", 1, 1000);
  EXPECT_EQ(observer.purged, std::vector<std::string>{NameFor("free")});
  EXPECT_EQ(StateOf(NameFor("free")), "gone");
  EXPECT_EQ(s.scanned, 3);
  ExpectTiersMatchTheStore(s);

  clock_.Set(kT0 + 181 * kDay);
  ExpectTally(Sweep(false).actions, "delete", 1, 2000);
  clock_.Set(kT0 + 366 * kDay);
  ExpectTally(Sweep(false).actions, "delete", 1, 3000);
  EXPECT_EQ(StateOf(NameFor("enterprise")), "Archive");
  EXPECT_EQ(StateOf(NameFor("basic")), "gone");
  EXPECT_EQ(StateOf(NameFor("pro")), "deleted");
}

// A rehydrated blob is not archived again at once: the archive rule waits 7 days after the last
// tier change (daysAfterLastTierChangeGreaterThan), though its age alone would qualify.
TEST_F(SweeperTest, ARehydratedBlobStaysOnlineForAWeek) {
  Put(NameFor("enterprise"), 4000, "enterprise");
  clock_.Set(kT0 + 100 * kDay);
  Sweep(false);
  ASSERT_EQ(StateOf(NameFor("enterprise")), "Archive");
  ASSERT_TRUE(store_->SetTier(NameFor("enterprise"), AccessTier::kHot));
  clock_.Set(kT0 + 103 * kDay);
  SweepSummary s = Sweep(false);
  EXPECT_EQ(StateOf(NameFor("enterprise")), "Cool");
  ExpectTally(s.actions, "tierToArchive", 0, 0);
  clock_.Set(kT0 + 111 * kDay);
  Sweep(false);
  EXPECT_EQ(StateOf(NameFor("enterprise")), "Archive");
}

// Previous versions go after 90 days from their creation (the delete-previous-versions rule),
// whatever the current version's age; in a dry run they stay.
TEST_F(SweeperTest, PreviousVersionsAreDeletedAfterNinetyDays) {
  Put(NameFor("enterprise"), 4000, "enterprise");
  clock_.Set(kT0 + 10 * kDay);
  Put(NameFor("enterprise"), 4100, "enterprise");  // the t0 content becomes a previous version
  clock_.Set(kT0 + 91 * kDay);

  const std::vector<std::string> before = Snapshot();
  const SweepSummary dry = Sweep(true);
  EXPECT_EQ(Snapshot(), before);
  const SweepSummary real = Sweep(false);
  ExpectSameDecisions(dry, real);
  EXPECT_EQ(real.scanned, 2);
  ExpectTally(real.actions, "deleteVersion", 1, 4000);
  ExpectTally(real.actions, "tierToCool", 1, 4100);  // the current version is 81 days old
  auto versions = store_->ListVersions(NameFor("enterprise"));
  ASSERT_TRUE(versions.has_value());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(versions->front().size, 4100u);
  ExpectTally(real.tiers, "Cool", 1, 4100);
  ExpectTiersMatchTheStore(real);
}

// Blobs without a subscription_tier tag age through the tiers but no delete rule matches them
// (without blob_kind either, they stop at cool); blobs outside generated/ are not the sweeper's.
TEST_F(SweeperTest, UntaggedBlobsAreNeverDeletedAndOtherPrefixesAreLeftAlone) {
  Put("generated/untagged/image_0.jpg", 500, "");
  Put("generated/untagged/metadata.json", 300, "", /*image=*/false);
  Put("elsewhere/free.jpg", 700, "free");
  clock_.Set(kT0 + 3650 * kDay);
  const SweepSummary s = Sweep(false);
  EXPECT_EQ(s.scanned, 2);
  EXPECT_EQ(StateOf("generated/untagged/image_0.jpg"), "Archive");
  EXPECT_EQ(StateOf("generated/untagged/metadata.json"), "Cool");
  EXPECT_EQ(StateOf("elsewhere/free.jpg"), "Hot");
  ExpectTally(s.actions, "delete", 0, 0);
}

// A job's metadata.json (no blob_kind tag) goes to cool with its images but never to archive,
// where fsck, catalog.rebuild and an upload into the job could not read or rewrite it; retention
// deletes it with them.
TEST_F(SweeperTest, MetadataJsonCoolsButIsNeverArchived) {
  const std::string image = "generated/pro/job/image_0.jpg";
  const std::string metadata = "generated/pro/job/metadata.json";
  Put(image, 3000, "pro");
  Put(metadata, 300, "pro", /*image=*/false);
  clock_.Set(kT0 + 91 * kDay);
  SweepSummary s = Sweep(false);
  ExpectTally(s.actions, "tierToCool", 1, 300);
  ExpectTally(s.actions, "tierToArchive", 1, 3000);
  EXPECT_EQ(StateOf(image), "Archive");
  EXPECT_EQ(StateOf(metadata), "Cool");
  auto text = store_->Get(metadata);
  EXPECT_TRUE(text.has_value()) << text.error().ToString();

  clock_.Set(kT0 + 181 * kDay);
  ExpectTally(Sweep(false).actions, "tierToArchive", 0, 0);
  EXPECT_EQ(StateOf(metadata), "Cool");
  clock_.Set(kT0 + 366 * kDay);
  ExpectTally(Sweep(false).actions, "delete", 2, 3300);
  EXPECT_EQ(StateOf(image), "deleted");
  EXPECT_EQ(StateOf(metadata), "deleted");
}

// A failure on one blob is reported with its name and the pass goes on. The blob is deleted
// behind the sweeper's back between its listing and its turn (from the progress callback).
TEST_F(SweeperTest, AFailedBlobIsReportedAndThePassGoesOn) {
  PutOnePerTier();
  clock_.Set(kT0 + 31 * kDay);
  std::vector<std::pair<int64_t, int64_t>> progress;
  SweepOptions options;
  options.progress = [&](int64_t done, int64_t total) {
    progress.emplace_back(done, total);
    if (done == 1) {
      ASSERT_TRUE(store_->Delete(NameFor("enterprise")));  // listed second
    }
  };
  RecordingObserver observer;
  const SweepSummary s = Sweep(false, observer, options);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].rfind(NameFor("enterprise") + ": BlobNotFound", 0), 0u) << s.errors[0];
  ExpectTally(s.actions, "tierToCool", 3, 6000);
  EXPECT_EQ(StateOf(NameFor("basic")), "Cool");
  EXPECT_EQ(StateOf(NameFor("pro")), "Cool");
  EXPECT_EQ(StateOf(NameFor("free")), "Cool");
  EXPECT_EQ(observer.tiers.count(NameFor("enterprise")), 0u);
  EXPECT_EQ(progress, (std::vector<std::pair<int64_t, int64_t>>{{1, 4}, {2, 4}, {3, 4}, {4, 4}}));
}

// Without a purge function (a store that reclaims deleted blobs itself) there is no purge step:
// what is past the window is left for the store.
TEST_F(SweeperTest, NoPurgeStepWithoutAPurgeFunction) {
  Put(NameFor("free"), 1000, "free");
  clock_.Set(kT0 + 91 * kDay);
  Sweep(false);
  clock_.Set(kT0 + 120 * kDay);
  SweepOptions options;
  options.container = kContainer;
  RecordingObserver observer;
  auto s = lifecycle::Sweep(*store_, policy_, clock_, observer, options);
  ASSERT_TRUE(s.has_value());
  ExpectTally(s->actions, "purge", 0, 0);
  EXPECT_TRUE(observer.purged.empty());
  auto purged = store_->PurgeExpired();  // still there to be reclaimed
  ASSERT_TRUE(purged.has_value());
  EXPECT_EQ(purged->size(), 1u);
}

// The dry run's purge count: soft-deleted blobs the listing shows whose deleted_at plus the
// window has passed. (The local store stops listing a blob once its own window has passed, so
// this shows when the sweeper's window is the shorter one.)
TEST_F(SweeperTest, ADryRunCountsWhatThePurgeWouldTake) {
  Put(NameFor("free"), 1000, "free");
  clock_.Set(kT0 + 91 * kDay);
  Sweep(false);
  clock_.Set(kT0 + 98 * kDay);  // the store's 7-day window has passed
  RecordingObserver observer;
  SweepOptions options;
  options.container = kContainer;
  options.dry_run = true;
  int dry_calls = 0;
  options.purge = [&](bool dry_run) {
    dry_calls += dry_run ? 1 : 0;
    return store_->PurgeExpired(dry_run);
  };
  auto s = lifecycle::Sweep(*store_, policy_, clock_, observer, options);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(dry_calls, 1);
  ExpectTally(s->actions, "purge", 1, 1000);
  ExpectTally(s->tiers, "Hot", 0, 0);
  EXPECT_FALSE(observer.Heard());
  // Nothing was removed: the real pass purges the same.
  auto real = Sweep(false);
  ExpectTally(real.actions, "purge", 1, 1000);
  EXPECT_EQ(StateOf(NameFor("free")), "gone");
}

}  // namespace
}  // namespace noisett::lifecycle
