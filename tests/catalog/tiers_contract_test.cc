// Contract: what lifecycle and retention (issue 8) ask of the catalog — users' subscription
// tiers, removing one image of a job (with its favorites), and each image's access tier as seen
// by GetGeneration, ListGenerations and ScanGenerations.
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

using Key = std::pair<std::string, int>;  // (job_id, image_index)

std::vector<Key> FavoriteKeys(Catalog& catalog, const std::string& user) {
  std::vector<Key> keys;
  auto page = catalog.ListFavorites(user, {200, ""});
  EXPECT_TRUE(page) << Describe(page);
  if (!page) return keys;
  for (const Favorite& f : page->items) keys.emplace_back(f.job_id, f.image_index);
  return keys;
}

std::vector<int> ImageIndexes(const Generation& g) {
  std::vector<int> indexes;
  for (const ImageRecord& image : g.images) indexes.push_back(image.index);
  return indexes;
}

std::vector<std::string> Tiers(const Generation& g) {
  std::vector<std::string> tiers;
  for (const ImageRecord& image : g.images) tiers.push_back(image.access_tier);
  return tiers;
}

// The job as ScanGenerations returns it (soft-deleted ones included).
Generation Scanned(Catalog& catalog, const std::string& job_id) {
  auto page = catalog.ScanGenerations("", 1000);
  EXPECT_TRUE(page) << Describe(page);
  if (page) {
    for (Generation& g : page->items) {
      if (g.job_id == job_id) return std::move(g);
    }
  }
  ADD_FAILURE() << job_id << " not in the scan";
  return {};
}

// --- users' subscription tiers ---

TEST_P(CatalogContractTest, NewUserGetsTheTierGivenAndAnExistingUserKeepsTheirs) {
  ASSERT_TRUE(catalog().UpsertUser({"alice", "a@example.com", "Alice", "basic", 100}));
  auto alice = catalog().GetUser("alice");
  ASSERT_TRUE(alice) << Describe(alice);
  EXPECT_EQ(alice->subscription_tier, "basic");
  EXPECT_EQ(alice->created_at, 100);
  // Signing in again (the service passes its default tier each time) changes email and name only.
  ASSERT_TRUE(catalog().UpsertUser({"alice", "alice@example.com", "Alice B", "free", 200}));
  alice = catalog().GetUser("alice");
  ASSERT_TRUE(alice) << Describe(alice);
  EXPECT_EQ(alice->email, "alice@example.com");
  EXPECT_EQ(alice->name, "Alice B");
  EXPECT_EQ(alice->subscription_tier, "basic");
  EXPECT_EQ(alice->created_at, 100);
  // A tier set by an admin survives the next sign-in too.
  ASSERT_TRUE(catalog().SetUserTier("alice", "pro"));
  ASSERT_TRUE(catalog().UpsertUser({"alice", "alice@example.com", "Alice B", "free", 300}));
  alice = catalog().GetUser("alice");
  ASSERT_TRUE(alice) << Describe(alice);
  EXPECT_EQ(alice->subscription_tier, "pro");
}

TEST_P(CatalogContractTest, SetUserTierRoundTripsAndTouchesNoOneElse) {
  ASSERT_TRUE(catalog().UpsertUser({"alice", "a@example.com", "Alice", "free", 100}));
  ASSERT_TRUE(catalog().UpsertUser({"bob", "b@example.com", "Bob", "free", 100}));
  for (const char* tier : {"basic", "pro", "enterprise", "enterprise", "free"}) {
    Status set = catalog().SetUserTier("alice", tier);
    ASSERT_TRUE(set) << Describe(set);
    auto alice = catalog().GetUser("alice");
    ASSERT_TRUE(alice) << Describe(alice);
    EXPECT_EQ(alice->subscription_tier, tier);
    EXPECT_EQ(alice->email, "a@example.com");
    EXPECT_EQ(alice->created_at, 100);
  }
  ASSERT_TRUE(catalog().SetUserTier("alice", "pro"));
  auto bob = catalog().GetUser("bob");
  ASSERT_TRUE(bob) << Describe(bob);
  EXPECT_EQ(bob->subscription_tier, "free");
}

TEST_P(CatalogContractTest, SetUserTierOfAnUnknownUserIsUserNotFound) {
  EXPECT_TRUE(
      FailsWith(catalog().SetUserTier("nobody", "pro"), ErrorCode::kNotFound, "user_not_found"));
  // Nor does it create the user.
  EXPECT_TRUE(FailsWith(catalog().GetUser("nobody"), ErrorCode::kNotFound, "user_not_found"));
}

// --- RemoveImage ---

TEST_P(CatalogContractTest, RemoveImageTakesOnlyThatImageAndItsFavorites) {
  Insert("alice", "job-1", 100, 3);
  Insert("alice", "job-2", 200, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 0, 300));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 1, 301));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-2", 1, 302));

  auto left = catalog().RemoveImage("alice", "job-1", 1);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, 2);
  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(ImageIndexes(*job), (std::vector<int>{0, 2}));
  EXPECT_EQ(FavoriteKeys(catalog(), "alice"),
            (std::vector<Key>{{"job-2", 1}, {"job-1", 0}}));
  auto favorites = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(favorites);
  EXPECT_EQ(favorites->total_count, 2);
  auto other = catalog().GetGeneration("alice", "job-2");
  ASSERT_TRUE(other);
  EXPECT_EQ(ImageIndexes(*other), (std::vector<int>{0, 1}));
  auto totals = catalog().Totals("alice");
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->total_images, 4);
  EXPECT_EQ(totals->total_bytes, 1000u + 1002u + 1000u + 1001u);
  EXPECT_EQ(totals->thumbnail_bytes, 100u + 102u + 100u + 101u);

  // Removed means gone: a second removal, and favoriting it, find no image.
  EXPECT_TRUE(FailsWith(catalog().RemoveImage("alice", "job-1", 1), ErrorCode::kNotFound,
                        "image_not_found"));
  EXPECT_TRUE(FailsWith(catalog().AddFavorite("alice", "job-1", 1, 400), ErrorCode::kNotFound,
                        "image_not_found"));
}

TEST_P(CatalogContractTest, RemovingTheLastImageLeavesAnEmptyJobForTheCaller) {
  Insert("alice", "job-1", 100, 2);
  auto left = catalog().RemoveImage("alice", "job-1", 0);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, 1);
  left = catalog().RemoveImage("alice", "job-1", 1);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, 0);
  // The job row stays: what an empty job becomes is the caller's decision.
  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_TRUE(job->images.empty());
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total_count, 1);
  ASSERT_TRUE(catalog().PurgeGeneration("alice", "job-1"));
}

TEST_P(CatalogContractTest, RemoveImageKeepsTheEightImageLimitRight) {
  Insert("alice", "job-1", 100, kMaxImagesPerJob);
  auto left = catalog().RemoveImage("alice", "job-1", 3);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, kMaxImagesPerJob - 1);
  // The freed place takes one image, and only one.
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 3)));
  left = catalog().RemoveImage("alice", "job-1", 5);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, kMaxImagesPerJob - 1);
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 5)));
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 5)),
                        ErrorCode::kConflict, "job_full"));
}

TEST_P(CatalogContractTest, RemoveImageOfAMissingOrForeignJobIsJobNotFound) {
  Insert("alice", "job-1", 100, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 0, 300));
  EXPECT_TRUE(FailsWith(catalog().RemoveImage("alice", "nope", 0), ErrorCode::kNotFound,
                        "job_not_found"));
  // Another user's job answers like a missing one, and nothing of it changes.
  EXPECT_TRUE(FailsWith(catalog().RemoveImage("bob", "job-1", 0), ErrorCode::kNotFound,
                        "job_not_found"));
  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->images.size(), 2u);
  EXPECT_EQ(FavoriteKeys(catalog(), "alice"), (std::vector<Key>{{"job-1", 0}}));
}

TEST_P(CatalogContractTest, RemoveImageOfAMissingIndexIsImageNotFound) {
  Insert("alice", "job-1", 100, 2);
  for (int index : {2, 7, -1, 8, 100}) {
    EXPECT_TRUE(FailsWith(catalog().RemoveImage("alice", "job-1", index), ErrorCode::kNotFound,
                          "image_not_found"))
        << "index " << index;
  }
  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->images.size(), 2u);
}

TEST_P(CatalogContractTest, RemoveImageWorksOnASoftDeletedJob) {
  Insert("alice", "job-1", 100, 3);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 0, 300));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 2, 301));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 400));
  auto left = catalog().RemoveImage("alice", "job-1", 0);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, 2);
  auto job = catalog().GetGeneration("alice", "job-1", true);
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(ImageIndexes(*job), (std::vector<int>{1, 2}));
  EXPECT_EQ(job->deleted_at, std::optional<int64_t>(400));  // still soft-deleted
  // On restore, the removed image's favorite is gone and the other one is back.
  ASSERT_TRUE(catalog().RestoreGeneration("alice", "job-1"));
  EXPECT_EQ(FavoriteKeys(catalog(), "alice"), (std::vector<Key>{{"job-1", 2}}));
}

// Sixteen threads remove the same eight images (and retier them) at once: each image goes
// exactly once, the counts returned are 7, 6, ... 0 once each, and the job's count stays exact.
TEST_P(CatalogContractTest, ConcurrentRemovesCountDownExactly) {
  Insert("alice", "racy", 1, kMaxImagesPerJob);
  for (int i = 0; i < kMaxImagesPerJob; ++i) {
    ASSERT_TRUE(catalog().AddFavorite("alice", "racy", i, 10 + i));
  }
  std::mutex mu;
  std::multiset<int> counts_left;
  std::map<std::string, int> refusals;
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kMaxImagesPerJob; ++k) {
        const int index = (t + k) % kMaxImagesPerJob;
        Status tiered = catalog().SetImageTier("alice", "racy", index, "cool");
        auto left = catalog().RemoveImage("alice", "racy", index);
        std::lock_guard lock(mu);
        if (!tiered) ++refusals[tiered.error().reason];
        if (left) {
          counts_left.insert(*left);
        } else {
          ++refusals[left.error().reason];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counts_left, (std::multiset<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  for (const auto& [reason, count] : refusals) {
    EXPECT_EQ(reason, "image_not_found") << " x" << count;
  }
  auto job = catalog().GetGeneration("alice", "racy");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_TRUE(job->images.empty());
  EXPECT_TRUE(FavoriteKeys(catalog(), "alice").empty());
  // The job takes eight images again, and no ninth.
  for (int i = 0; i < kMaxImagesPerJob; ++i) {
    ASSERT_TRUE(catalog().AddImage("alice", "racy", MakeImage("alice", "racy", i)));
  }
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "racy", MakeImage("alice", "racy", 0)),
                        ErrorCode::kConflict, "job_full"));
}

// --- access tiers ---

TEST_P(CatalogContractTest, ImagesStartHotUnlessGivenATier) {
  Generation g = MakeGeneration("alice", "job-1", 100, 3);
  g.images[1].access_tier = "cool";
  g.images[2].access_tier = "archive";
  ASSERT_TRUE(catalog().InsertGeneration(g));
  ImageRecord added = MakeImage("alice", "job-1", 3);
  added.access_tier = "cold";
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", added));
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 4)));
  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(Tiers(*job), (std::vector<std::string>{"hot", "cool", "archive", "cold", "hot"}));
}

TEST_P(CatalogContractTest, SetImageTierIsSeenByGetListAndScan) {
  Insert("alice", "job-1", 100, 3);
  Insert("alice", "job-2", 200, 2);
  ASSERT_TRUE(catalog().SetImageTier("alice", "job-1", 1, "cool"));
  ASSERT_TRUE(catalog().SetImageTier("alice", "job-1", 2, "archive"));
  const std::vector<std::string> expected = {"hot", "cool", "archive"};

  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(Tiers(*job), expected);
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].job_id, "job-2");
  EXPECT_EQ(Tiers(page->items[0]), (std::vector<std::string>{"hot", "hot"}));
  EXPECT_EQ(Tiers(page->items[1]), expected);
  EXPECT_EQ(Tiers(Scanned(catalog(), "job-1")), expected);

  // Back to hot (a rehydration), and every other field is untouched.
  ASSERT_TRUE(catalog().SetImageTier("alice", "job-1", 2, "hot"));
  job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(Tiers(*job), (std::vector<std::string>{"hot", "cool", "hot"}));
  const ImageRecord want = MakeImage("alice", "job-1", 2);
  EXPECT_EQ(job->images[2].blob_path, want.blob_path);
  EXPECT_EQ(job->images[2].bytes, want.bytes);
  EXPECT_EQ(job->images[2].seed, want.seed);
}

TEST_P(CatalogContractTest, SetImageTierWorksOnASoftDeletedJob) {
  Insert("alice", "job-1", 100, 2);
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 300));
  Status set = catalog().SetImageTier("alice", "job-1", 0, "cold");
  ASSERT_TRUE(set) << Describe(set);
  auto job = catalog().GetGeneration("alice", "job-1", true);
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(Tiers(*job), (std::vector<std::string>{"cold", "hot"}));
  EXPECT_EQ(Tiers(Scanned(catalog(), "job-1")), (std::vector<std::string>{"cold", "hot"}));
}

TEST_P(CatalogContractTest, SetImageTierErrors) {
  Insert("alice", "job-1", 100, 2);
  EXPECT_TRUE(FailsWith(catalog().SetImageTier("alice", "nope", 0, "cool"), ErrorCode::kNotFound,
                        "job_not_found"));
  EXPECT_TRUE(FailsWith(catalog().SetImageTier("bob", "job-1", 0, "cool"), ErrorCode::kNotFound,
                        "job_not_found"));
  for (int index : {2, 7, -1, 8}) {
    EXPECT_TRUE(FailsWith(catalog().SetImageTier("alice", "job-1", index, "cool"),
                          ErrorCode::kNotFound, "image_not_found"))
        << "index " << index;
  }
  for (const char* tier : {"", "Hot", "premium", "archived"}) {
    EXPECT_TRUE(FailsWith(catalog().SetImageTier("alice", "job-1", 0, tier),
                          ErrorCode::kInvalidArgument, "bad_access_tier"))
        << "tier '" << tier << "'";
  }
  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(Tiers(*job), (std::vector<std::string>{"hot", "hot"}));
}

TEST_P(CatalogContractTest, UnknownAccessTierIsRefusedOnInsert) {
  Generation g = MakeGeneration("alice", "job-1", 100, 2);
  g.images[1].access_tier = "glacier";
  EXPECT_TRUE(FailsWith(catalog().InsertGeneration(g), ErrorCode::kInvalidArgument,
                        "bad_access_tier"));
  EXPECT_TRUE(FailsWith(catalog().GetGeneration("alice", "job-1"), ErrorCode::kNotFound,
                        "job_not_found"));
  Insert("alice", "job-2", 100, 1);
  ImageRecord image = MakeImage("alice", "job-2", 1);
  image.access_tier = "";
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "job-2", image), ErrorCode::kInvalidArgument,
                        "bad_access_tier"));
}

}  // namespace
}  // namespace noisett::catalog::testing
