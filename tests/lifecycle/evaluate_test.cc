// EvaluateBaseBlob / EvaluateVersion: the shipped policy (DefaultPolicy) applied to blobs of every
// subscription tier at the design document's ages, and each of Azure's rules on its own: filters,
// cheapest action wins, never warmer, the archive guard after rehydration, versions.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lifecycle/evaluate.h"
#include "lifecycle/retention.h"

namespace noisett::lifecycle {
namespace {

using storage::AccessTier;
using storage::BlobProperties;

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 1'800'000'000;  // any instant; every age is measured back from it
constexpr const char* kContainer = "noisett-storage";

// A current block blob written `age_days` ago, never re-tiered, tagged as an upload tags an
// image: its owner's tier and blob_kind=image.
BlobProperties Image(double age_days, const std::string& tier = "free",
                     std::string name = "generated/alice/job1/0.png") {
  BlobProperties blob;
  blob.name = std::move(name);
  blob.size = 1000;
  blob.created = blob.last_modified = kNow - int64_t(age_days * double(kDay));
  blob.tier = AccessTier::kHot;
  blob.tags = {{"subscription_tier", tier}, {"blob_kind", "image"}};
  blob.version_id = "v1";
  return blob;
}

// A job's metadata.json: the owner's tier tag only, no blob_kind.
BlobProperties Metadata(double age_days, const std::string& tier) {
  BlobProperties blob = Image(age_days, tier, "generated/alice/job1/metadata.json");
  blob.tags.erase("blob_kind");
  return blob;
}

BlobProperties PreviousVersion(double age_days, const std::string& tier = "free") {
  BlobProperties version = Image(age_days, tier);
  version.is_current_version = false;
  return version;
}

// Where a blob ends up: a tier, or deleted.
enum class Fate { kHot, kCool, kArchive, kDeleted };

Fate FateOf(const BlobProperties& blob) {
  if (blob.deleted) return Fate::kDeleted;
  switch (blob.tier) {
    case AccessTier::kHot: return Fate::kHot;
    case AccessTier::kCool: return Fate::kCool;
    case AccessTier::kArchive: return Fate::kArchive;
    case AccessTier::kCold: break;
  }
  ADD_FAILURE() << "the default policy never moves a blob to cold";
  return Fate::kHot;
}

// What the sweeper does with a decision, in miniature.
void Apply(const std::optional<Decision>& decision, BlobProperties& blob, int64_t now) {
  if (!decision) return;
  if (decision->kind == ActionKind::kDelete) {
    blob.deleted = true;
    return;
  }
  ASSERT_TRUE(decision->tier);
  blob.tier = *decision->tier;
  blob.tier_changed = now;
}

struct AgeCase {
  std::string tier;
  int age_days;
  Fate expected;
};

// The design document: cool after 30 days, archive after 90, deleted after free 90 /
// basic 180 / pro 365 days, enterprise never. Delete beats archive when both are due (free, 91).
const std::vector<AgeCase> kAgeTable = {
    {"free", 29, Fate::kHot},         {"free", 31, Fate::kCool},
    {"free", 89, Fate::kCool},        {"free", 91, Fate::kDeleted},
    {"free", 181, Fate::kDeleted},    {"free", 366, Fate::kDeleted},
    {"basic", 29, Fate::kHot},        {"basic", 31, Fate::kCool},
    {"basic", 89, Fate::kCool},       {"basic", 91, Fate::kArchive},
    {"basic", 181, Fate::kDeleted},   {"basic", 366, Fate::kDeleted},
    {"pro", 29, Fate::kHot},          {"pro", 31, Fate::kCool},
    {"pro", 89, Fate::kCool},         {"pro", 91, Fate::kArchive},
    {"pro", 181, Fate::kArchive},     {"pro", 366, Fate::kDeleted},
    {"enterprise", 29, Fate::kHot},   {"enterprise", 31, Fate::kCool},
    {"enterprise", 89, Fate::kCool},  {"enterprise", 91, Fate::kArchive},
    {"enterprise", 181, Fate::kArchive}, {"enterprise", 366, Fate::kArchive},
};

TEST(Evaluate, DefaultPolicyOnceAtEachAgeAndTier) {
  const Policy policy = DefaultPolicy(kContainer);
  for (const AgeCase& c : kAgeTable) {
    SCOPED_TRACE(c.tier + " at " + std::to_string(c.age_days) + " days");
    BlobProperties blob = Image(c.age_days, c.tier);
    const auto decision = EvaluateBaseBlob(policy, kContainer, blob, kNow);
    Apply(decision, blob, kNow);
    EXPECT_EQ(FateOf(blob), c.expected);
    if (c.expected == Fate::kDeleted) {
      EXPECT_EQ(decision->rule, "delete-" + c.tier + "-tier");
    }
  }
}

// metadata.json is read by fsck and catalog.rebuild and rewritten by every upload into its job, so
// it is never archived: it cools and is deleted with its images, nothing more.
TEST(Evaluate, DefaultPolicyNeverArchivesMetadataJson) {
  const Policy policy = DefaultPolicy(kContainer);
  for (const AgeCase& c : kAgeTable) {
    SCOPED_TRACE(c.tier + " metadata.json at " + std::to_string(c.age_days) + " days");
    BlobProperties once = Metadata(c.age_days, c.tier);
    Apply(EvaluateBaseBlob(policy, kContainer, once, kNow), once, kNow);
    BlobProperties swept = Metadata(c.age_days, c.tier);
    for (int64_t t = swept.created; t <= kNow; t += kDay / 4) {
      Apply(EvaluateBaseBlob(policy, kContainer, swept, t), swept, t);
    }
    const Fate expected = c.expected == Fate::kArchive ? Fate::kCool : c.expected;
    EXPECT_EQ(FateOf(once), expected);
    EXPECT_EQ(FateOf(swept), expected);
  }
  // An image with the same age and tier is archived: the blob_kind tag alone makes the difference.
  BlobProperties image = Image(91, "pro", "generated/alice/job1/metadata.json");
  Apply(EvaluateBaseBlob(policy, kContainer, image, kNow), image, kNow);
  EXPECT_EQ(FateOf(image), Fate::kArchive);
}

// The same ages reached by a daily sweep from the upload on: each step's decision is applied
// before the next day's, so the archive guard sees the tier change to cool.
TEST(Evaluate, DefaultPolicySweptDailyReachesTheSameFate) {
  const Policy policy = DefaultPolicy(kContainer);
  for (const std::string& tier : SubscriptionTiers()) {
    BlobProperties blob = Image(0, tier);
    const int64_t uploaded = blob.created;
    for (const AgeCase& c : kAgeTable) {
      if (c.tier != tier) continue;
      SCOPED_TRACE(tier + " swept to " + std::to_string(c.age_days) + " days");
      BlobProperties swept = blob;
      for (int64_t t = uploaded; t <= uploaded + c.age_days * kDay; t += kDay / 4) {
        Apply(EvaluateBaseBlob(policy, kContainer, swept, t), swept, t);
      }
      EXPECT_EQ(FateOf(swept), c.expected);
    }
  }
}

TEST(Evaluate, AgeMustBeStrictlyGreaterThanTheDays) {
  const Policy policy = DefaultPolicy(kContainer);
  BlobProperties blob = Image(30, "enterprise");
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, blob, kNow));
  const auto decision = EvaluateBaseBlob(policy, kContainer, blob, kNow + 1);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kTierToCool);
  EXPECT_EQ(decision->tier, AccessTier::kCool);
  EXPECT_EQ(decision->rule, "tier-to-cool");
}

TEST(Evaluate, ArchiveGuardKeepsARehydratedBlobOnline) {
  const Policy policy = DefaultPolicy(kContainer);
  BlobProperties blob = Image(200, "enterprise");
  blob.tier = AccessTier::kCool;  // rehydrated to cool a day ago
  blob.tier_changed = kNow - 1 * kDay;
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, blob, kNow));

  blob.tier = AccessTier::kHot;  // rehydrated to hot: cooling is fine, archiving is not
  auto decision = EvaluateBaseBlob(policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kTierToCool);

  blob.tier_changed = kNow - 7 * kDay;  // exactly 7 days: not yet
  decision = EvaluateBaseBlob(policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kTierToCool);

  blob.tier_changed = kNow - 8 * kDay;
  decision = EvaluateBaseBlob(policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kTierToArchive);
  EXPECT_EQ(decision->rule, "tier-to-archive");
}

TEST(Evaluate, NeverTieredMeansTheGuardCountsFromCreation) {
  const Policy policy = DefaultPolicy(kContainer);
  BlobProperties blob = Image(100, "enterprise");
  blob.created = kNow - 100 * kDay;
  blob.last_modified = kNow - 95 * kDay;
  blob.tier_changed = 0;
  const auto decision = EvaluateBaseBlob(policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kTierToArchive);
}

TEST(Evaluate, NeverWarmerAndNoNoOps) {
  const Policy policy = DefaultPolicy(kContainer);
  BlobProperties archived = Image(40, "enterprise");
  archived.tier = AccessTier::kArchive;
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, archived, kNow));  // cool would warm it

  BlobProperties cool = Image(40, "enterprise");
  cool.tier = AccessTier::kCool;
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, cool, kNow));  // already there

  BlobProperties archived_old = Image(100, "enterprise");
  archived_old.tier = AccessTier::kArchive;
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, archived_old, kNow));

  archived_old.tags["subscription_tier"] = "free";  // delete still applies to archived blobs
  const auto decision = EvaluateBaseBlob(policy, kContainer, archived_old, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kDelete);
  EXPECT_FALSE(decision->tier);
}

TEST(Evaluate, RehydratingBlobTakesNoTierChangeButCanBeDeleted) {
  const Policy policy = DefaultPolicy(kContainer);
  BlobProperties blob = Image(100, "enterprise");
  blob.tier = AccessTier::kArchive;
  blob.archive_status = "rehydrate-pending-to-hot";
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, blob, kNow));
  blob.tags["subscription_tier"] = "free";
  const auto decision = EvaluateBaseBlob(policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kDelete);
}

TEST(Evaluate, PrefixMatchesContainerSlashName) {
  Policy policy = DefaultPolicy(kContainer);
  EXPECT_TRUE(EvaluateBaseBlob(policy, kContainer, Image(100), kNow));
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, Image(100, "free", "uploads/a.png"), kNow));
  EXPECT_FALSE(EvaluateBaseBlob(policy, "other-container", Image(100), kNow));
  // "generated" without its slash is another prefix.
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, Image(100, "free", "generatedx/a.png"), kNow));

  auto narrow = ParsePolicy(R"({"rules": [{"name": "alice", "definition": {
      "filters": {"prefixMatch": ["noisett-storage/generated/alice/", "noisett-storage/tmp"]},
      "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 1}}}}}]})");
  ASSERT_TRUE(narrow) << narrow.error().ToString();
  const auto at = [&](const char* name) {
    return EvaluateBaseBlob(*narrow, kContainer, Image(2, "pro", name), kNow).has_value();
  };
  EXPECT_TRUE(at("generated/alice/x.png"));
  EXPECT_FALSE(at("generated/bob/x.png"));
  EXPECT_TRUE(at("tmpfile"));  // a prefix is a plain string prefix, not a folder
}

TEST(Evaluate, TagFiltersMustAllMatch) {
  auto policy = ParsePolicy(R"({"rules": [{"name": "both", "definition": {
      "filters": {"blobIndexMatch": [{"name": "subscription_tier", "op": "==", "value": "free"},
                                     {"name": "kind", "op": "==", "value": "thumb"}]},
      "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 1}}}}}]})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  BlobProperties blob = Image(2, "free");
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, blob, kNow));
  blob.tags["kind"] = "Thumb";  // tag values are case-sensitive
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, blob, kNow));
  blob.tags["kind"] = "thumb";
  EXPECT_TRUE(EvaluateBaseBlob(*policy, kContainer, blob, kNow));
  blob.tags.clear();
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, blob, kNow));
}

TEST(Evaluate, DisabledRuleIsIgnored) {
  Policy policy = DefaultPolicy(kContainer);
  for (Rule& rule : policy.rules) {
    if (rule.name == "delete-free-tier") rule.enabled = false;
  }
  const auto decision = EvaluateBaseBlob(policy, kContainer, Image(100, "free"), kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->kind, ActionKind::kTierToArchive);

  for (Rule& rule : policy.rules) rule.enabled = false;
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, Image(400, "free"), kNow));
}

TEST(Evaluate, CheapestWinsWhateverTheRuleOrder) {
  const char* cool_first = R"({"rules": [
      {"name": "cool", "definition": {"actions": {"baseBlob": {
        "tierToCool": {"daysAfterModificationGreaterThan": 10}}}}},
      {"name": "cold", "definition": {"actions": {"baseBlob": {
        "tierToCold": {"daysAfterModificationGreaterThan": 20}}}}},
      {"name": "gone", "definition": {"actions": {"baseBlob": {
        "delete": {"daysAfterModificationGreaterThan": 40}}}}}]})";
  auto policy = ParsePolicy(cool_first);
  ASSERT_TRUE(policy) << policy.error().ToString();
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "cool first" : "delete first");
    EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, Image(5), kNow));
    EXPECT_EQ(EvaluateBaseBlob(*policy, kContainer, Image(15), kNow)->rule, "cool");
    const auto cold = EvaluateBaseBlob(*policy, kContainer, Image(25), kNow);
    ASSERT_TRUE(cold);
    EXPECT_EQ(cold->kind, ActionKind::kTierToCold);
    EXPECT_EQ(cold->tier, AccessTier::kCold);
    EXPECT_EQ(EvaluateBaseBlob(*policy, kContainer, Image(45), kNow)->kind, ActionKind::kDelete);
    std::reverse(policy->rules.begin(), policy->rules.end());
  }
  BlobProperties cold_blob = Image(30);
  cold_blob.tier = AccessTier::kCold;  // cool would warm it; cold is where it is
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, cold_blob, kNow));
}

TEST(Evaluate, AgeBasisPicksTheRightTime) {
  auto policy = ParsePolicy(R"({"rules": [
      {"name": "created", "definition": {"actions": {"baseBlob": {
        "delete": {"daysAfterCreationGreaterThan": 90}}}}},
      {"name": "accessed", "definition": {"actions": {"baseBlob": {
        "tierToCool": {"daysAfterLastAccessTimeGreaterThan": 5}}}}}]})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  BlobProperties blob = Image(10);
  blob.created = kNow - 100 * kDay;  // overwritten 10 days ago, created 100 days ago
  auto decision = EvaluateBaseBlob(*policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->rule, "created");

  blob.created = kNow - 10 * kDay;
  blob.last_modified = kNow - 3 * kDay;  // no access tracking: last access = last write
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, blob, kNow));
  blob.last_modified = kNow - 6 * kDay;
  decision = EvaluateBaseBlob(*policy, kContainer, blob, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->rule, "accessed");
}

TEST(Evaluate, AppendBlobOnlyRulesSkipOurBlockBlobs) {
  auto policy = ParsePolicy(R"({"rules": [{"name": "append", "definition": {
      "filters": {"blobTypes": ["appendBlob"]},
      "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 1}}}}}]})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, Image(10), kNow));
}

TEST(Evaluate, BaseAndVersionEvaluationStayApart) {
  const Policy policy = DefaultPolicy(kContainer);
  BlobProperties deleted = Image(400);
  deleted.deleted = true;
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, deleted, kNow));
  EXPECT_FALSE(EvaluateBaseBlob(policy, kContainer, PreviousVersion(400), kNow));
  EXPECT_FALSE(EvaluateVersion(policy, kContainer, Image(400), kNow));
}

TEST(Evaluate, TagFilterNeverMatchesAPreviousVersion) {
  auto tagged_only = ParsePolicy(R"({"rules": [{"name": "free-versions", "definition": {
      "filters": {"blobIndexMatch": [{"name": "subscription_tier", "op": "==", "value": "free"}]},
      "actions": {"version": {"delete": {"daysAfterCreationGreaterThan": 1}}}}}]})");
  ASSERT_TRUE(tagged_only) << tagged_only.error().ToString();
  // Even carrying the very tag: Azure's index holds current versions only.
  EXPECT_FALSE(EvaluateVersion(*tagged_only, kContainer, PreviousVersion(400, "free"), kNow));

  // The shipped policy removes them with its untagged rule after 90 days.
  const Policy policy = DefaultPolicy(kContainer);
  for (const std::string& tier : SubscriptionTiers()) {
    SCOPED_TRACE(tier);
    EXPECT_FALSE(EvaluateVersion(policy, kContainer, PreviousVersion(89, tier), kNow));
    const auto decision = EvaluateVersion(policy, kContainer, PreviousVersion(91, tier), kNow);
    ASSERT_TRUE(decision);
    EXPECT_EQ(decision->kind, ActionKind::kDelete);
    EXPECT_EQ(decision->rule, "delete-previous-versions");
  }
}

TEST(Evaluate, VersionTierActionsAgeFromTheVersionsWrite) {
  auto policy = ParsePolicy(R"({"rules": [{"name": "v", "definition": {"actions": {"version": {
      "tierToArchive": {"daysAfterCreationGreaterThan": 10,
                        "daysAfterLastTierChangeGreaterThan": 3}}}}}]})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  BlobProperties version = PreviousVersion(11);
  version.created = kNow - 1000 * kDay;  // the blob's creation; the version's is its write
  auto decision = EvaluateVersion(*policy, kContainer, version, kNow);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->tier, AccessTier::kArchive);
  version.last_modified = kNow - 9 * kDay;
  EXPECT_FALSE(EvaluateVersion(*policy, kContainer, version, kNow));
  version.last_modified = kNow - 11 * kDay;
  version.tier_changed = kNow - 2 * kDay;  // rehydrated version: guarded
  EXPECT_FALSE(EvaluateVersion(*policy, kContainer, version, kNow));
  // Version rules never touch the base blob.
  EXPECT_FALSE(EvaluateBaseBlob(*policy, kContainer, Image(100), kNow));
}

}  // namespace
}  // namespace noisett::lifecycle
