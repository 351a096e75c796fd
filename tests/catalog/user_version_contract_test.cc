// Contract: the user's version (Catalog::UserVersion), which the reused list
// answers are checked against on every request (service/list_answers.h). Every
// write that changes what the user's history or favorites show moves it,
// through this catalog or through another one on the same database; writes that
// change nothing shown (lease renewals, predictions, a repeated upsert) leave
// it; another user's writes leave it.
#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // milliseconds

struct Step {
  std::string name;
  std::function<Status(Catalog &)> write;
};

// Runs each step in order and checks that it moved alice's version (`moves`) or
// left it, and that bob's stayed where it was.
void RunSteps(Catalog &catalog, const std::vector<Step> &steps, bool moves) {
  for (const Step &step : steps) {
    auto alice_before = catalog.UserVersion("alice");
    auto bob_before = catalog.UserVersion("bob");
    ASSERT_TRUE(alice_before && bob_before) << Describe(alice_before);
    Status s = step.write(catalog);
    ASSERT_TRUE(s) << step.name << ": " << Describe(s);
    auto alice_after = catalog.UserVersion("alice");
    auto bob_after = catalog.UserVersion("bob");
    ASSERT_TRUE(alice_after && bob_after) << Describe(alice_after);
    if (moves) {
      EXPECT_GT(*alice_after, *alice_before) << step.name << " did not move the version";
    } else {
      EXPECT_EQ(*alice_after, *alice_before) << step.name << " moved the version";
    }
    EXPECT_EQ(*bob_after, *bob_before) << step.name << " moved another user's version";
  }
}

// A step's Result<T> as the Status the steps return.
template <typename T>
Status Done(const Result<T> &r) {
  return r ? Ok() : Status(Unexpected(r.error()));
}

TEST_P(CatalogContractTest, UserVersionIsZeroForAnUnknownUser) {
  auto version = catalog().UserVersion("nobody");
  ASSERT_TRUE(version) << Describe(version);
  EXPECT_EQ(*version, 0);
}

// Each kind of write the lists show: new jobs and images, tiers, favorites,
// delete / restore / purge, retention's removals, the user row, and generation
// jobs changing status.
TEST_P(CatalogContractTest, EveryWriteTheListsShowMovesTheUserVersion) {
  Insert("bob", "bob-1", 50);
  ASSERT_TRUE(catalog().UpsertUser({"alice", "a@example.com", "Alice", "free", 1}));
  ASSERT_TRUE(catalog().UpsertUser({"bob", "b@example.com", "Bob", "free", 1}));
  const std::vector<Step> steps = {
      {"InsertGeneration",
       [](Catalog &c) { return c.InsertGeneration(SampleGeneration("alice", "a1", 100, 1)); }},
      {"AddImage",
       [](Catalog &c) { return c.AddImage("alice", "a1", SampleImage("alice", "a1", 1)); }},
      {"SetImageTier", [](Catalog &c) { return c.SetImageTier("alice", "a1", 0, "cool"); }},
      {"AddFavorite", [](Catalog &c) { return c.AddFavorite("alice", "a1", 1, 200); }},
      {"RemoveFavorite", [](Catalog &c) { return c.RemoveFavorite("alice", "a1", 1); }},
      {"SoftDeleteGeneration",
       [](Catalog &c) { return c.SoftDeleteGeneration("alice", "a1", 300); }},
      {"RestoreGeneration", [](Catalog &c) { return c.RestoreGeneration("alice", "a1"); }},
      {"AddFavorite again", [](Catalog &c) { return c.AddFavorite("alice", "a1", 0, 400); }},
      {"RemoveImage (its favorite goes too)",
       [](Catalog &c) { return Done(c.RemoveImage("alice", "a1", 0)); }},
      {"PurgeGeneration", [](Catalog &c) { return c.PurgeGeneration("alice", "a1"); }},
      {"SetUserTier", [](Catalog &c) { return c.SetUserTier("alice", "pro"); }},
      {"UpsertUser with a new name",
       [](Catalog &c) {
         return c.UpsertUser({"alice", "a@example.com", "Alice B", "free", 1});
       }},
      {"CreateJob",
       [](Catalog &c) {
         return c.jobs().CreateJob(CatalogContractTest::MakeJob("alice", "j1", kT0));
       }},
      {"ClaimJob (queued -> running)",
       [](Catalog &c) { return Done(c.jobs().ClaimJob("i1", {"noise"}, kT0 + 1, kLeaseMs)); }},
      {"AddImage to the running job",
       [](Catalog &c) { return c.AddImage("alice", "j1", SampleImage("alice", "j1", 0)); }},
      {"FinishJob (running -> succeeded)",
       [](Catalog &c) {
         return c.jobs().FinishJob("j1", "i1", JobStatus::kSucceeded, "", "", kT0 + 2);
       }},
      {"CreateJob 2",
       [](Catalog &c) {
         return c.jobs().CreateJob(CatalogContractTest::MakeJob("alice", "j2", kT0 + 3));
       }},
      {"RequestCancel of a queued job (its empty generation goes)",
       [](Catalog &c) { return Done(c.jobs().RequestCancel("alice", "j2", kT0 + 4)); }},
      {"CreateJob 3",
       [](Catalog &c) {
         return c.jobs().CreateJob(CatalogContractTest::MakeJob("alice", "j3", kT0 + 5));
       }},
      {"ClaimJob 3",
       [](Catalog &c) { return Done(c.jobs().ClaimJob("i1", {"noise"}, kT0 + 6, kLeaseMs)); }},
      {"FinishJob failed with no image (its generation goes)",
       [](Catalog &c) {
         return c.jobs().FinishJob("j3", "i1", JobStatus::kFailed, "boom", "it broke", kT0 + 7);
       }},
  };
  RunSteps(catalog(), steps, /*moves=*/true);
}

// What changes nothing a list shows leaves the version, so a running job's
// lease renewals (every few seconds) do not throw its owner's answers away.
TEST_P(CatalogContractTest, WritesTheListsDoNotShowLeaveTheUserVersion) {
  Insert("bob", "bob-1", 50);
  Insert("alice", "a1", 100);
  ASSERT_TRUE(catalog().UpsertUser({"alice", "a@example.com", "Alice", "free", 1}));
  CreateJob(MakeJob("alice", "j1", kT0));
  ASSERT_EQ(Claim("i1", kT0 + 1), "j1");
  const std::vector<Step> steps = {
      {"UpsertUser unchanged",
       [](Catalog &c) {
         return c.UpsertUser({"alice", "a@example.com", "Alice", "pro", 9});
       }},
      {"RenewLease",
       [](Catalog &c) { return Done(c.jobs().RenewLease("j1", "i1", kT0 + kLeaseMs * 2)); }},
      {"RecordPrediction",
       [](Catalog &c) { return c.jobs().RecordPrediction("j1", "i1", 0, "p-1"); }},
      {"RequestCancel of a running job (a flag for its runner)",
       [](Catalog &c) { return Done(c.jobs().RequestCancel("alice", "j1", kT0 + 2)); }},
      {"ReleaseLeases", [](Catalog &c) { return Done(c.jobs().ReleaseLeases("i1")); }},
      {"reads",
       [](Catalog &c) -> Status {
         if (auto r = c.ListGenerations("alice", {50, ""}); !r) return Unexpected(r.error());
         if (auto r = c.ListFavorites("alice", {50, ""}); !r) return Unexpected(r.error());
         if (auto r = c.GetGeneration("alice", "a1"); !r) return Unexpected(r.error());
         return Done(c.Totals("alice"));
       }},
  };
  RunSteps(catalog(), steps, /*moves=*/false);
}

// A second instance on the same database (another `noisett serve`): its writes
// move the version this one reads, at once.
TEST_P(CatalogContractTest, AnotherInstancesWritesMoveTheUserVersionHere) {
  std::unique_ptr<Catalog> other = OpenAnother();
  if (other == nullptr) GTEST_SKIP() << "one connection only: no second instance";
  Insert("alice", "a1", 100);
  const std::vector<Step> steps = {
      {"InsertGeneration there",
       [&](Catalog &) { return other->InsertGeneration(SampleGeneration("alice", "a2", 200, 2)); }},
      {"AddFavorite there", [&](Catalog &) { return other->AddFavorite("alice", "a1", 0, 300); }},
      {"SetImageTier there",
       [&](Catalog &) { return other->SetImageTier("alice", "a1", 1, "archive"); }},
      {"SoftDeleteGeneration there",
       [&](Catalog &) { return other->SoftDeleteGeneration("alice", "a2", 400); }},
      {"PurgeGeneration there", [&](Catalog &) { return other->PurgeGeneration("alice", "a2"); }},
      {"CreateJob there",
       [&](Catalog &) {
         return other->jobs().CreateJob(CatalogContractTest::MakeJob("alice", "j1", kT0));
       }},
      {"ClaimJob there",
       [&](Catalog &) { return Done(other->jobs().ClaimJob("i2", {"noise"}, kT0 + 1, kLeaseMs)); }},
  };
  RunSteps(catalog(), steps, /*moves=*/true);
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 2);  // a1 and the running job's generation
}

}  // namespace
}  // namespace noisett::catalog::testing
