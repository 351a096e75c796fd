// Contract: generations and images — insert/get, history pages, soft delete, purge, ownership.
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

std::vector<std::string> JobIds(const GenerationPage& page) {
  std::vector<std::string> ids;
  for (const Generation& g : page.items) ids.push_back(g.job_id);
  return ids;
}

TEST_P(CatalogContractTest, InsertThenGetRoundTripsEveryField) {
  Generation in = MakeGeneration("alice", "job-1", 1700000000, 3);
  in.images[1].content_type = "image/webp";
  ASSERT_TRUE(catalog().InsertGeneration(in));
  auto out = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(out) << Describe(out);
  EXPECT_EQ(out->job_id, in.job_id);
  EXPECT_EQ(out->user_id, in.user_id);
  EXPECT_EQ(out->prompt, in.prompt);
  EXPECT_EQ(out->asset_type, in.asset_type);
  EXPECT_EQ(out->quality, in.quality);
  EXPECT_EQ(out->model, in.model);
  EXPECT_EQ(out->created_at, in.created_at);
  EXPECT_FALSE(out->deleted_at.has_value());
  ASSERT_EQ(out->images.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const ImageRecord& a = in.images[i];
    const ImageRecord& b = out->images[i];
    EXPECT_EQ(b.index, a.index);
    EXPECT_EQ(b.seed, a.seed);
    EXPECT_EQ(b.blob_path, a.blob_path);
    EXPECT_EQ(b.thumbnail_path, a.thumbnail_path);
    EXPECT_EQ(b.bytes, a.bytes);
    EXPECT_EQ(b.thumbnail_bytes, a.thumbnail_bytes);
    EXPECT_EQ(b.width, a.width);
    EXPECT_EQ(b.height, a.height);
    EXPECT_EQ(b.content_type, a.content_type);
    EXPECT_EQ(b.thumbhash, a.thumbhash);
  }
}

TEST_P(CatalogContractTest, MissingJobIsJobNotFound) {
  EXPECT_TRUE(
      FailsWith(catalog().GetGeneration("alice", "nope"), ErrorCode::kNotFound, "job_not_found"));
}

TEST_P(CatalogContractTest, SameJobIdTwiceIsJobExists) {
  Insert("alice", "job-1", 100);
  EXPECT_TRUE(FailsWith(catalog().InsertGeneration(MakeGeneration("alice", "job-1", 200)),
                        ErrorCode::kConflict, "job_exists"));
}

TEST_P(CatalogContractTest, MoreThanEightImagesOrRepeatedIndexIsRefusedWhole) {
  EXPECT_TRUE(FailsWith(catalog().InsertGeneration(MakeGeneration("alice", "job-9", 100, 9)),
                        ErrorCode::kConflict, "job_full"));
  Generation twice = MakeGeneration("alice", "job-2", 100, 2);
  twice.images[1].index = 0;
  EXPECT_TRUE(FailsWith(catalog().InsertGeneration(twice), ErrorCode::kConflict, "image_exists"));
  // Nothing of either was kept.
  EXPECT_FALSE(catalog().GetGeneration("alice", "job-9"));
  EXPECT_FALSE(catalog().GetGeneration("alice", "job-2"));
}

TEST_P(CatalogContractTest, ListIsNewestFirst) {
  Insert("alice", "job-a", 100);
  Insert("alice", "job-c", 300);
  Insert("alice", "job-b", 200);
  Insert("bob", "job-z", 400);
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(JobIds(*page), (std::vector<std::string>{"job-c", "job-b", "job-a"}));
  EXPECT_EQ(page->total_count, 3);
  EXPECT_TRUE(page->next_cursor.empty());
  ASSERT_EQ(page->items[0].images.size(), 2u);  // pages carry the images too
}

// 25 generations, 12 of them created in the same second: ties must be broken by job_id so that
// walking three pages of 10 sees each row exactly once, in (created_at, job_id) descending order.
TEST_P(CatalogContractTest, ThreePagesWithEqualTimesLoseAndRepeatNothing) {
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    char job[16];
    std::snprintf(job, sizeof job, "job-%02d", i);
    const int64_t created_at = i < 12 ? 5000 : 5000 + i;
    Insert("alice", job, created_at);
  }
  for (int i = 24; i >= 12; --i) expected.push_back("job-" + std::to_string(i));
  for (int i = 11; i >= 0; --i) {
    expected.push_back(std::string(i < 10 ? "job-0" : "job-") + std::to_string(i));
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = catalog().ListGenerations("alice", {10, cursor});
    ASSERT_TRUE(page) << Describe(page);
    EXPECT_EQ(page->total_count, 25);
    for (const std::string& id : JobIds(*page)) seen.push_back(id);
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, expected);
}

TEST_P(CatalogContractTest, CursorPageIsStableWhenNewerRowsArrive) {
  for (int i = 0; i < 6; ++i) Insert("alice", "job-" + std::to_string(i), 100 + i);
  auto first = catalog().ListGenerations("alice", {3, ""});
  ASSERT_TRUE(first);
  Insert("alice", "job-new", 999);  // lands before the cursor, not after it
  auto second = catalog().ListGenerations("alice", {3, first->next_cursor});
  ASSERT_TRUE(second) << Describe(second);
  EXPECT_EQ(JobIds(*second), (std::vector<std::string>{"job-2", "job-1", "job-0"}));
  EXPECT_EQ(second->total_count, 7);
  EXPECT_TRUE(second->next_cursor.empty());
}

TEST_P(CatalogContractTest, LimitOutsideOneTo200IsBadLimit) {
  Insert("alice", "job-1", 100);
  for (int limit : {0, -1, 201, 100000}) {
    EXPECT_TRUE(FailsWith(catalog().ListGenerations("alice", {limit, ""}),
                          ErrorCode::kInvalidArgument, "bad_limit"))
        << limit;
    EXPECT_TRUE(FailsWith(catalog().ListFavorites("alice", {limit, ""}),
                          ErrorCode::kInvalidArgument, "bad_limit"))
        << limit;
  }
  EXPECT_TRUE(catalog().ListGenerations("alice", {1, ""}));
  EXPECT_TRUE(catalog().ListGenerations("alice", {200, ""}));
}

TEST_P(CatalogContractTest, GarbageOrTamperedCursorIsBadCursor) {
  for (int i = 0; i < 3; ++i) Insert("alice", "job-" + std::to_string(i), 100 + i);
  auto page = catalog().ListGenerations("alice", {1, ""});
  ASSERT_TRUE(page);
  std::string good = page->next_cursor;
  ASSERT_FALSE(good.empty());
  std::string flipped = good;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string("garbage!"), std::string("x"), flipped, good.substr(0, good.size() - 2),
        good + "AAAA", std::string(5000, 'A'), std::string("' OR 1=1 --")}) {
    EXPECT_TRUE(FailsWith(catalog().ListGenerations("alice", {10, bad}),
                          ErrorCode::kInvalidArgument, "bad_cursor"))
        << bad;
  }
  EXPECT_TRUE(catalog().ListGenerations("alice", {10, good}));
}

TEST_P(CatalogContractTest, AnotherUsersJobIsAnsweredLikeAMissingOne) {
  Insert("alice", "job-1", 100);
  auto not_found = [](const auto& result) {
    return FailsWith(result, ErrorCode::kNotFound, "job_not_found");
  };
  EXPECT_TRUE(not_found(catalog().GetGeneration("bob", "job-1")));
  EXPECT_TRUE(not_found(catalog().GetGeneration("bob", "job-1", /*include_deleted=*/true)));
  EXPECT_TRUE(not_found(catalog().SoftDeleteGeneration("bob", "job-1", 200)));
  EXPECT_TRUE(not_found(catalog().RestoreGeneration("bob", "job-1")));
  EXPECT_TRUE(not_found(catalog().AddFavorite("bob", "job-1", 0, 200)));
  EXPECT_TRUE(not_found(catalog().RemoveFavorite("bob", "job-1", 0)));
  EXPECT_TRUE(not_found(catalog().AddImage("bob", "job-1", MakeImage("bob", "job-1", 5))));
  EXPECT_TRUE(not_found(catalog().PurgeGeneration("bob", "job-1")));
  auto bobs = catalog().ListGenerations("bob", {50, ""});
  ASSERT_TRUE(bobs);
  EXPECT_TRUE(bobs->items.empty());
  EXPECT_EQ(bobs->total_count, 0);
  // Alice's job is untouched by all of that.
  auto mine = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->images.size(), 2u);
}

TEST_P(CatalogContractTest, SoftDeleteHidesAndRestoreBringsBack) {
  Insert("alice", "job-1", 100);
  Insert("alice", "job-2", 200);
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-2", 1234));
  EXPECT_TRUE(
      FailsWith(catalog().GetGeneration("alice", "job-2"), ErrorCode::kNotFound, "job_not_found"));
  auto deleted = catalog().GetGeneration("alice", "job-2", /*include_deleted=*/true);
  ASSERT_TRUE(deleted) << Describe(deleted);
  EXPECT_EQ(deleted->deleted_at, std::optional<int64_t>(1234));
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(JobIds(*page), std::vector<std::string>{"job-1"});
  EXPECT_EQ(page->total_count, 1);

  ASSERT_TRUE(catalog().RestoreGeneration("alice", "job-2"));
  auto back = catalog().GetGeneration("alice", "job-2");
  ASSERT_TRUE(back) << Describe(back);
  EXPECT_FALSE(back->deleted_at.has_value());
  EXPECT_EQ(back->images.size(), 2u);
  page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(JobIds(*page), (std::vector<std::string>{"job-2", "job-1"}));
}

TEST_P(CatalogContractTest, DeletingTwiceKeepsTheFirstTimeAndRestoringALiveJobIsANoOp) {
  Insert("alice", "job-1", 100);
  ASSERT_TRUE(catalog().RestoreGeneration("alice", "job-1"));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 500));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 900));
  auto g = catalog().GetGeneration("alice", "job-1", true);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->deleted_at, std::optional<int64_t>(500));
}

TEST_P(CatalogContractTest, PurgeRemovesTheJobItsImagesAndFavorites) {
  Insert("alice", "job-1", 100, 3);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 2, 150));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 200));
  ASSERT_TRUE(catalog().PurgeGeneration("alice", "job-1"));
  EXPECT_TRUE(FailsWith(catalog().GetGeneration("alice", "job-1", true), ErrorCode::kNotFound,
                        "job_not_found"));
  EXPECT_TRUE(FailsWith(catalog().PurgeGeneration("alice", "job-1"), ErrorCode::kNotFound,
                        "job_not_found"));
  // The same id can be used again: no image or favorite row of the old job survived.
  Insert("alice", "job-1", 300, 3);
  auto favorites = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(favorites);
  EXPECT_TRUE(favorites->items.empty());
  EXPECT_EQ(favorites->total_count, 0);
}

TEST_P(CatalogContractTest, AddImageFillsAJobUpToEight) {
  Insert("alice", "job-1", 100, 6);
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 6)));
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 6)),
                        ErrorCode::kConflict, "image_exists"));
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 8)),
                        ErrorCode::kInvalidArgument, "bad_image_index"));
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 7)));
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 3)),
                        ErrorCode::kConflict, "job_full"));
  auto g = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->images.size(), 8u);
  EXPECT_EQ(g->images[7].blob_path, "generated/alice/job-1/image_7.jpg");
}

TEST_P(CatalogContractTest, AddImageToAnEmptyOrDeletedJob) {
  Insert("alice", "job-1", 100, 0);
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 0)));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 200));
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 1)),
                        ErrorCode::kNotFound, "job_not_found"));
}

// Strings that would break string-built SQL are stored and matched verbatim.
TEST_P(CatalogContractTest, InjectionAttemptsAreStoredVerbatim) {
  const std::string evil_user = "alice' OR '1'='1";
  const std::string evil_prompt = "x'); DROP TABLE generations; -- \"; DELETE FROM images; \\0";
  Insert("alice", "job-safe", 100);
  Generation g = MakeGeneration(evil_user, "job-evil", 200);
  g.prompt = evil_prompt;
  ASSERT_TRUE(catalog().InsertGeneration(g));
  auto got = catalog().GetGeneration(evil_user, "job-evil");
  ASSERT_TRUE(got) << Describe(got);
  EXPECT_EQ(got->prompt, evil_prompt);
  EXPECT_EQ(got->user_id, evil_user);
  auto alice = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(alice);
  EXPECT_EQ(JobIds(*alice), std::vector<std::string>{"job-safe"});
  auto evil = catalog().ListGenerations(evil_user, {50, ""});
  ASSERT_TRUE(evil);
  EXPECT_EQ(JobIds(*evil), std::vector<std::string>{"job-evil"});
  EXPECT_TRUE(FailsWith(catalog().GetGeneration("alice", "job-evil"), ErrorCode::kNotFound,
                        "job_not_found"));
}

TEST_P(CatalogContractTest, UsersUpsertKeepsTierAndCreationTime) {
  EXPECT_TRUE(FailsWith(catalog().GetUser("alice"), ErrorCode::kNotFound, "user_not_found"));
  ASSERT_TRUE(catalog().UpsertUser({"alice", "a@example.com", "Alice", "pro", 100}));
  ASSERT_TRUE(catalog().UpsertUser({"alice", "alice@example.com", "Alice A.", "free", 999}));
  auto user = catalog().GetUser("alice");
  ASSERT_TRUE(user) << Describe(user);
  EXPECT_EQ(user->email, "alice@example.com");
  EXPECT_EQ(user->name, "Alice A.");
  EXPECT_EQ(user->subscription_tier, "pro");
  EXPECT_EQ(user->created_at, 100);
}

TEST_P(CatalogContractTest, ScanWalksEveryUsersJobsDeletedOnesTooInIdOrder) {
  Insert("bob", "job-c", 300, 1);
  Insert("alice", "job-a", 100, 3);
  Insert("alice", "job-b", 200, 0);
  Insert("carol", "job-d", 50, 2);
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-b", 900));
  std::vector<Generation> seen;
  std::string after;
  int pages = 0;
  do {
    auto page = catalog().ScanGenerations(after, 3);
    ASSERT_TRUE(page) << Describe(page);
    seen.insert(seen.end(), page->items.begin(), page->items.end());
    after = page->next_after;
    ASSERT_LT(++pages, 5);
  } while (!after.empty());
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].job_id, "job-a");
  EXPECT_EQ(seen[0].user_id, "alice");
  EXPECT_EQ(seen[0].images.size(), 3u);
  EXPECT_EQ(seen[1].job_id, "job-b");
  EXPECT_EQ(seen[1].deleted_at, std::optional<int64_t>(900));
  EXPECT_EQ(seen[2].job_id, "job-c");
  EXPECT_EQ(seen[3].job_id, "job-d");
  EXPECT_EQ(seen[3].images[1].blob_path, MakeImage("carol", "job-d", 1).blob_path);
  EXPECT_TRUE(FailsWith(catalog().ScanGenerations("", 0), ErrorCode::kInvalidArgument,
                        "bad_limit"));
  EXPECT_TRUE(FailsWith(catalog().ScanGenerations("", 1001), ErrorCode::kInvalidArgument,
                        "bad_limit"));
}

TEST_P(CatalogContractTest, ReadyWhenReachable) { EXPECT_TRUE(catalog().CheckReady()); }

}  // namespace
}  // namespace noisett::catalog::testing
