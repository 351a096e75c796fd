// Contract: favorites (idempotent, per user, each with its image, hidden while their job is
// deleted) and storage totals.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

using Key = std::pair<std::string, int>;

std::vector<Key> Keys(const FavoritePage& page) {
  std::vector<Key> keys;
  for (const Favorite& f : page.items) keys.emplace_back(f.job_id, f.image_index);
  return keys;
}

// Every field, for a failure message.
std::string ImageText(const ImageRecord& i) {
  return std::to_string(i.index) + " seed=" + std::to_string(i.seed) + " " + i.blob_path + " (" +
         std::to_string(i.bytes) + ") " + i.thumbnail_path + " (" +
         std::to_string(i.thumbnail_bytes) + ") " + std::to_string(i.width) + "x" +
         std::to_string(i.height) + " " + i.content_type + " " + i.access_tier + " " + i.thumbhash +
         (i.favorite ? " favorite" : "");
}

// The image GetGeneration gives for (job, index); fails the test when there is none.
ImageRecord ImageFromGet(Catalog& catalog, const std::string& user, const Key& key) {
  auto job = catalog.GetGeneration(user, key.first);
  EXPECT_TRUE(job) << key.first << ": " << Describe(job);
  if (!job) return {};
  for (const ImageRecord& image : job->images) {
    if (image.index == key.second) return image;
  }
  ADD_FAILURE() << key.first << " has no image " << key.second;
  return {};
}

TEST_P(CatalogContractTest, FavoriteTwiceIsOnce) {
  Insert("alice", "job-1", 100, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 1, 500));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 1, 600));
  auto page = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->total_count, 1);
  const Favorite& f = page->items[0];
  EXPECT_EQ(f.job_id, "job-1");
  EXPECT_EQ(f.image_index, 1);
  EXPECT_EQ(f.created_at, 500);  // the first time counts
  EXPECT_EQ(f.prompt, "a lighthouse at dusk, job-1");
}

// History shows which images are favorites, so a gallery can draw its hearts from one list call.
TEST_P(CatalogContractTest, ImagesSayWhetherTheyAreFavorites) {
  Insert("alice", "job-1", 100, 3);
  Insert("alice", "job-2", 200, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 2, 500));
  auto get = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(get) << Describe(get);
  ASSERT_EQ(get->images.size(), 3u);
  EXPECT_FALSE(get->images[0].favorite);
  EXPECT_FALSE(get->images[1].favorite);
  EXPECT_TRUE(get->images[2].favorite);
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[1].job_id, "job-1");
  EXPECT_TRUE(page->items[1].images[2].favorite);
  for (const ImageRecord& image : page->items[0].images) EXPECT_FALSE(image.favorite);
  ASSERT_TRUE(catalog().RemoveFavorite("alice", "job-1", 2));
  get = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(get);
  EXPECT_FALSE(get->images[2].favorite);
}

TEST_P(CatalogContractTest, UnfavoriteIsIdempotent) {
  Insert("alice", "job-1", 100, 2);
  ASSERT_TRUE(catalog().RemoveFavorite("alice", "job-1", 0));  // never a favorite: fine
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 0, 500));
  ASSERT_TRUE(catalog().RemoveFavorite("alice", "job-1", 0));
  ASSERT_TRUE(catalog().RemoveFavorite("alice", "job-1", 0));
  auto page = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->total_count, 0);
}

TEST_P(CatalogContractTest, FavoriteOfAMissingImageIsImageNotFound) {
  Insert("alice", "job-1", 100, 3);
  for (int index : {3, 7, 8, -1, 1000}) {
    EXPECT_TRUE(FailsWith(catalog().AddFavorite("alice", "job-1", index, 500), ErrorCode::kNotFound,
                          "image_not_found"))
        << index;
    EXPECT_TRUE(FailsWith(catalog().RemoveFavorite("alice", "job-1", index), ErrorCode::kNotFound,
                          "image_not_found"))
        << index;
  }
  EXPECT_TRUE(FailsWith(catalog().AddFavorite("alice", "no-such-job", 0, 500), ErrorCode::kNotFound,
                        "job_not_found"));
}

TEST_P(CatalogContractTest, FavoritesAreNewestFirstAndPaged) {
  Insert("alice", "job-a", 100, 8);
  Insert("alice", "job-b", 200, 8);
  // Five favorites share one second; the tie-break is (job_id, image_index), descending.
  std::vector<Key> expected = {{"job-b", 7}, {"job-b", 6}, {"job-b", 0}, {"job-a", 5},
                               {"job-a", 1}, {"job-a", 0}, {"job-b", 3}};
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-b", 3, 10));
  for (const auto& [job, index] :
       std::vector<Key>{{"job-a", 0}, {"job-b", 0}, {"job-a", 5}, {"job-b", 6}, {"job-a", 1}}) {
    ASSERT_TRUE(catalog().AddFavorite("alice", job, index, 20));
  }
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-b", 7, 30));
  std::vector<Key> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = catalog().ListFavorites("alice", {3, cursor});
    ASSERT_TRUE(page) << Describe(page);
    EXPECT_EQ(page->total_count, 7);
    for (const Key& key : Keys(*page)) seen.push_back(key);
    cursor = page->next_cursor;
  } while (!cursor.empty() && ++pages < 10);
  EXPECT_EQ(seen, expected);
}

TEST_P(CatalogContractTest, HistoryAndFavoritesCursorsAreNotInterchangeable) {
  Insert("alice", "job-a", 100, 2);
  Insert("alice", "job-b", 200, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-a", 0, 300));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-a", 1, 300));
  auto history = catalog().ListGenerations("alice", {1, ""});
  auto favorites = catalog().ListFavorites("alice", {1, ""});
  ASSERT_TRUE(history && favorites);
  ASSERT_FALSE(history->next_cursor.empty());
  ASSERT_FALSE(favorites->next_cursor.empty());
  EXPECT_TRUE(FailsWith(catalog().ListFavorites("alice", {1, history->next_cursor}),
                        ErrorCode::kInvalidArgument, "bad_cursor"));
  EXPECT_TRUE(FailsWith(catalog().ListGenerations("alice", {1, favorites->next_cursor}),
                        ErrorCode::kInvalidArgument, "bad_cursor"));
  EXPECT_TRUE(FailsWith(catalog().ListFavorites("alice", {1, "%%%"}), ErrorCode::kInvalidArgument,
                        "bad_cursor"));
}

TEST_P(CatalogContractTest, FavoritesOfADeletedJobHideAndComeBackOnRestore) {
  Insert("alice", "job-1", 100, 2);
  Insert("alice", "job-2", 200, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 0, 300));
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-2", 1, 400));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-2", 500));
  auto page = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(Keys(*page), (std::vector<Key>{{"job-1", 0}}));
  EXPECT_EQ(page->total_count, 1);
  // A deleted job takes no new favorites either.
  EXPECT_TRUE(FailsWith(catalog().AddFavorite("alice", "job-2", 0, 600), ErrorCode::kNotFound,
                        "job_not_found"));
  ASSERT_TRUE(catalog().RestoreGeneration("alice", "job-2"));
  page = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(Keys(*page), (std::vector<Key>{{"job-2", 1}, {"job-1", 0}}));
  EXPECT_EQ(page->total_count, 2);
}

// favorites.list writes each favorite from the page alone, so every page carries each image
// exactly as GetGeneration gives it (tier and all); a soft-deleted job's favorite is neither
// listed nor counted.
TEST_P(CatalogContractTest, FavoritesCarryTheImageGetGenerationGives) {
  Insert("alice", "job-a", 100, 3);
  Insert("alice", "job-b", 200, 1);
  Insert("alice", "job-gone", 300, 2);
  Insert("bob", "job-bob", 400, 1);
  ImageRecord odd = MakeImage("alice", "job-b", 5);
  odd.seed = -7;
  odd.thumbnail_path.clear();
  odd.thumbnail_bytes = 0;
  odd.bytes = 5'000'000'000;  // past 32 bits
  odd.width = 33;
  odd.height = 4097;
  odd.content_type = "image/png";
  ASSERT_TRUE(catalog().AddImage("alice", "job-b", odd));
  ASSERT_TRUE(catalog().SetImageTier("alice", "job-a", 1, "archive"));
  ASSERT_TRUE(catalog().SetImageTier("alice", "job-b", 5, "cool"));
  int64_t at = 500;
  for (const auto& [job, index] : std::vector<Key>{
           {"job-a", 0}, {"job-a", 1}, {"job-a", 2}, {"job-b", 5}, {"job-b", 0}, {"job-gone", 1}}) {
    ASSERT_TRUE(catalog().AddFavorite("alice", job, index, at++));
  }
  ASSERT_TRUE(catalog().AddFavorite("bob", "job-bob", 0, 450));
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-gone", 600));

  std::map<Key, ImageRecord> listed;
  std::vector<Key> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = catalog().ListFavorites("alice", {2, cursor});
    ASSERT_TRUE(page) << Describe(page);
    EXPECT_EQ(page->total_count, 5);
    for (const Favorite& f : page->items) {
      const Key key{f.job_id, f.image_index};
      seen.push_back(key);
      listed[key] = f.image;
      const ImageRecord want = ImageFromGet(catalog(), "alice", key);
      EXPECT_TRUE(f.image == want)
          << f.job_id << ": " << ImageText(f.image) << " != " << ImageText(want);
    }
    cursor = page->next_cursor;
  } while (!cursor.empty() && ++pages < 10);
  EXPECT_EQ(pages, 2);  // 2 + 2 + 1
  EXPECT_EQ(seen, (std::vector<Key>{
                      {"job-b", 0}, {"job-b", 5}, {"job-a", 2}, {"job-a", 1}, {"job-a", 0}}));
  // Not only equal to GetGeneration: equal to what was stored.
  odd.access_tier = "cool";
  odd.favorite = true;
  const ImageRecord& odd_listed = listed[Key("job-b", 5)];
  EXPECT_TRUE(odd_listed == odd) << ImageText(odd_listed);
  ImageRecord archived = MakeImage("alice", "job-a", 1);
  archived.access_tier = "archive";
  archived.favorite = true;
  const ImageRecord& archived_listed = listed[Key("job-a", 1)];
  EXPECT_TRUE(archived_listed == archived) << ImageText(archived_listed);

  // Restored, the job's favorite is back with its image.
  ASSERT_TRUE(catalog().RestoreGeneration("alice", "job-gone"));
  auto page = catalog().ListFavorites("alice", {1, ""});
  ASSERT_TRUE(page) << Describe(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->total_count, 6);
  EXPECT_EQ(page->items[0].job_id, "job-gone");
  EXPECT_TRUE(page->items[0].image == ImageFromGet(catalog(), "alice", Key("job-gone", 1)));
  EXPECT_EQ(page->items[0].image.blob_path, "generated/alice/job-gone/image_1.jpg");
}

TEST_P(CatalogContractTest, FavoritesArePerUser) {
  Insert("alice", "job-1", 100, 2);
  Insert("bob", "job-2", 100, 2);
  ASSERT_TRUE(catalog().AddFavorite("alice", "job-1", 0, 300));
  ASSERT_TRUE(catalog().AddFavorite("bob", "job-2", 1, 300));
  auto alice = catalog().ListFavorites("alice", {50, ""});
  auto bob = catalog().ListFavorites("bob", {50, ""});
  auto carol = catalog().ListFavorites("carol", {50, ""});
  ASSERT_TRUE(alice && bob && carol);
  EXPECT_EQ(Keys(*alice), (std::vector<Key>{{"job-1", 0}}));
  EXPECT_EQ(Keys(*bob), (std::vector<Key>{{"job-2", 1}}));
  EXPECT_TRUE(carol->items.empty());
  EXPECT_EQ(carol->total_count, 0);
}

TEST_P(CatalogContractTest, TotalsCountOnlyTheUsersLiveJobs) {
  Insert("alice", "job-1", 100, 3);  // bytes 1000+1001+1002, thumbs 100+101+102
  Insert("alice", "job-2", 200, 2);  // bytes 1000+1001, thumbs 100+101
  Insert("alice", "job-3", 300, 4);  // deleted below
  Insert("bob", "job-4", 100, 8);
  ImageRecord no_thumb = MakeImage("alice", "job-2", 2);
  no_thumb.thumbnail_path.clear();
  no_thumb.thumbnail_bytes = 0;
  ASSERT_TRUE(catalog().AddImage("alice", "job-2", no_thumb));  // bytes 1002
  ASSERT_TRUE(catalog().SoftDeleteGeneration("alice", "job-3", 400));
  auto totals = catalog().Totals("alice");
  ASSERT_TRUE(totals) << Describe(totals);
  EXPECT_EQ(totals->total_images, 6);
  EXPECT_EQ(totals->total_bytes, 3003u + 2001u + 1002u);
  EXPECT_EQ(totals->total_thumbnails, 5);
  EXPECT_EQ(totals->thumbnail_bytes, 303u + 201u);
  ASSERT_TRUE(catalog().RestoreGeneration("alice", "job-3"));
  totals = catalog().Totals("alice");
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->total_images, 10);
}

TEST_P(CatalogContractTest, TotalsOfAnUnknownUserAreZero) {
  auto totals = catalog().Totals("nobody");
  ASSERT_TRUE(totals) << Describe(totals);
  EXPECT_EQ(totals->total_images, 0);
  EXPECT_EQ(totals->total_bytes, 0u);
  EXPECT_EQ(totals->total_thumbnails, 0);
  EXPECT_EQ(totals->thumbnail_bytes, 0u);
}

}  // namespace
}  // namespace noisett::catalog::testing
