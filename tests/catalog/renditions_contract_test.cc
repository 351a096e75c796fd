// Contract: each image's renditions (issue 23) — the state an image is stored
// with, SetRenditions on live jobs only, the sweep's ListPendingRenditions,
// Totals over renditions, and the rows every read returns (GetGeneration,
// ListGenerations, ListFavorites, ScanGenerations).
#include <string>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

std::vector<Rendition> TwoRenditions() {
  return {{"avif", 256, 256, 171, 9000}, {"webp", 512, 512, 341, 30000}};
}

Generation WithState(Generation g, RenditionState state) {
  for (ImageRecord &image : g.images) image.renditions_state = state;
  return g;
}

TEST_P(CatalogContractTest, ImagesKeepTheRenditionStateTheyWereStoredWith) {
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-none", 100, 1), RenditionState::kNone)));
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-pending", 200, 1), RenditionState::kPending)));
  Generation ready = MakeGeneration("alice", "job-ready", 300, 1);
  ready.images[0].renditions_state = RenditionState::kReady;
  ready.images[0].renditions = TwoRenditions();
  ASSERT_TRUE(catalog().InsertGeneration(ready));  // a rebuild inserts what metadata.json says

  auto none = catalog().GetGeneration("alice", "job-none");
  auto pending = catalog().GetGeneration("alice", "job-pending");
  auto got = catalog().GetGeneration("alice", "job-ready");
  ASSERT_TRUE(none && pending && got);
  EXPECT_EQ(none->images[0].renditions_state, RenditionState::kNone);
  EXPECT_EQ(pending->images[0].renditions_state, RenditionState::kPending);
  EXPECT_TRUE(pending->images[0].renditions.empty());
  EXPECT_EQ(got->images[0], ready.images[0]);
}

TEST_P(CatalogContractTest, SetRenditionsMakesThemReadyInEveryRead) {
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-1", 100, 2), RenditionState::kPending)));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 1, 150));
  ASSERT_TRUE(catalog().SetRenditions("alice", "job-1", 1, TwoRenditions()));

  auto job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(job->images[0].renditions_state, RenditionState::kPending);
  EXPECT_EQ(job->images[1].renditions_state, RenditionState::kReady);
  EXPECT_EQ(job->images[1].renditions, TwoRenditions());

  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].images[1].renditions, TwoRenditions());
  auto favorites = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(favorites) << Describe(favorites);
  ASSERT_EQ(favorites->items.size(), 1u);
  EXPECT_EQ(favorites->items[0].image.renditions, TwoRenditions());
  auto scan = catalog().ScanGenerations("", 10);
  ASSERT_TRUE(scan) << Describe(scan);
  ASSERT_EQ(scan->items.size(), 1u);
  EXPECT_EQ(scan->items[0].images[1].renditions, TwoRenditions());

  // None could be made: ready with an empty list, never pending again.
  ASSERT_TRUE(catalog().SetRenditions("alice", "job-1", 0, {}));
  job = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->images[0].renditions_state, RenditionState::kReady);
  EXPECT_TRUE(job->images[0].renditions.empty());
}

TEST_P(CatalogContractTest, SetRenditionsRefusesOtherUsersDeletedJobsAndBadLists) {
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-1", 100, 1), RenditionState::kPending)));
  EXPECT_TRUE(FailsWith(catalog().SetRenditions("bob", "job-1", 0, TwoRenditions()),
                        ErrorCode::kNotFound, "job_not_found"));
  EXPECT_TRUE(FailsWith(catalog().SetRenditions("alice", "job-1", 5, TwoRenditions()),
                        ErrorCode::kNotFound, "image_not_found"));
  EXPECT_TRUE(FailsWith(catalog().SetRenditions("alice", "job-1", 0, {{"gif", 256, 10, 10, 1}}),
                        ErrorCode::kInvalidArgument, "bad_rendition"));
  EXPECT_TRUE(FailsWith(catalog().SetRenditions("alice", "job-1", 0, {{"avif", 300, 10, 10, 1}}),
                        ErrorCode::kInvalidArgument, "bad_rendition"));
  EXPECT_TRUE(FailsWith(catalog().SetRenditions("alice", "job-1", 0, {{"avif", 256, 257, 10, 1}}),
                        ErrorCode::kInvalidArgument, "bad_rendition"));
  EXPECT_TRUE(
      FailsWith(catalog().SetRenditions("alice", "job-1", 0,
                                        {{"avif", 256, 10, 10, 1}, {"avif", 256, 10, 10, 2}}),
                ErrorCode::kInvalidArgument, "bad_rendition"));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-1", 500));
  EXPECT_TRUE(FailsWith(catalog().SetRenditions("alice", "job-1", 0, TwoRenditions()),
                        ErrorCode::kNotFound, "job_not_found"));
  auto job = catalog().GetGeneration("alice", "job-1", /*include_deleted=*/true);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->images[0].renditions_state, RenditionState::kPending);
}

TEST_P(CatalogContractTest, ListPendingRenditionsFindsLivePendingImagesOldestFirst) {
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("bob", "job-b", 300, 1), RenditionState::kPending)));
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-a", 100, 2), RenditionState::kPending)));
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-old", 50, 1), RenditionState::kNone)));
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-gone", 60, 1), RenditionState::kPending)));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-gone", 70));
  ASSERT_TRUE(catalog().SetRenditions("alice", "job-a", 1, TwoRenditions()));

  auto pending = catalog().ListPendingRenditions(1000, 10);
  ASSERT_TRUE(pending) << Describe(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].job_id, "job-a");
  EXPECT_EQ((*pending)[0].user_id, "alice");
  EXPECT_EQ((*pending)[0].index, 0);
  EXPECT_EQ((*pending)[0].blob_path, MakeImage("alice", "job-a", 0).blob_path);
  EXPECT_EQ((*pending)[0].created_at, 100);
  EXPECT_EQ((*pending)[1].job_id, "job-b");

  // Only jobs created at or before the given time, and at most `limit`.
  pending = catalog().ListPendingRenditions(200, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].job_id, "job-a");
  pending = catalog().ListPendingRenditions(1000, 1);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), 1u);
  EXPECT_TRUE(FailsWith(catalog().ListPendingRenditions(1000, 0), ErrorCode::kInvalidArgument,
                        "bad_limit"));
}

TEST_P(CatalogContractTest, TotalsCountRenditionsAndTheirBytesOnLiveJobs) {
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-1", 100, 2), RenditionState::kPending)));
  ASSERT_TRUE(catalog().InsertGeneration(
      WithState(MakeGeneration("alice", "job-2", 200, 1), RenditionState::kPending)));
  ASSERT_TRUE(catalog().SetRenditions("alice", "job-1", 0, TwoRenditions()));
  ASSERT_TRUE(catalog().SetRenditions("alice", "job-1", 1, {{"avif", 256, 200, 100, 500}}));
  ASSERT_TRUE(catalog().SetRenditions("alice", "job-2", 0, TwoRenditions()));
  auto totals = catalog().Totals("alice");
  ASSERT_TRUE(totals) << Describe(totals);
  EXPECT_EQ(totals->total_renditions, 5);
  EXPECT_EQ(totals->rendition_bytes, 2u * 39000u + 500u);
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-2", 300));
  totals = catalog().Totals("alice");
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->total_renditions, 3);
  EXPECT_EQ(totals->rendition_bytes, 39000u + 500u);
  EXPECT_EQ(totals->total_images, 2);
}

}  // namespace
}  // namespace noisett::catalog::testing
