// LocalBlobStore listing: prefixes (including ones that end mid-segment), name order across the
// directory tree, continuation over several pages, versions, deleted blobs and tags.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/store_fixture.h"

namespace noisett::storage::testing {
namespace {

using LocalListTest = StoreTest;

// Every page of a listing, following continuations; fails the test on error.
std::vector<ListPage> AllPages(BlobStore& store, ListOptions options) {
  std::vector<ListPage> pages;
  for (int guard = 0; guard < 1000; ++guard) {
    auto page = store.List(options);
    EXPECT_TRUE(page) << (page ? "" : page.error().ToString());
    if (!page) break;
    pages.push_back(*page);
    if (page->continuation.empty()) break;
    options.continuation = page->continuation;
  }
  return pages;
}

std::vector<std::string> NamesOf(const std::vector<ListPage>& pages) {
  std::vector<std::string> names;
  for (const ListPage& page : pages) {
    for (const BlobProperties& item : page.items) names.push_back(item.name);
  }
  return names;
}

std::vector<std::string> ListNames(BlobStore& store, const std::string& prefix) {
  ListOptions options;
  options.prefix = prefix;
  return NamesOf(AllPages(store, options));
}

TEST_F(LocalListTest, PagesThroughAPrefixInNameOrder) {
  std::vector<std::string> expected;
  for (int i = 0; i < 11; ++i) {
    const std::string name = "generated/alice/job" + std::to_string(i) + "/image_0.jpg";
    MustPut(name, "x");
    expected.push_back(name);
  }
  MustPut("generated/alicex/job/image_0.jpg", "not alice's");
  MustPut("generated/bob/job/image_0.jpg", "bob's");
  std::sort(expected.begin(), expected.end());
  ListOptions options;
  options.prefix = "generated/alice/";
  options.max_results = 3;
  auto pages = AllPages(*store_, options);
  ASSERT_EQ(pages.size(), 4u);  // 3 + 3 + 3 + 2, and no empty trailing page
  for (size_t i = 0; i + 1 < pages.size(); ++i) {
    EXPECT_EQ(pages[i].items.size(), 3u);
    EXPECT_FALSE(pages[i].continuation.empty());
  }
  EXPECT_EQ(pages.back().items.size(), 2u);
  EXPECT_TRUE(pages.back().continuation.empty());
  EXPECT_EQ(NamesOf(pages), expected);
}

TEST_F(LocalListTest, ExactMultipleOfThePageSizeEndsWithoutAnEmptyPage) {
  for (const char* name : {"p/1", "p/2", "p/3", "p/4"}) MustPut(name, "x");
  ListOptions options;
  options.prefix = "p/";
  options.max_results = 2;
  auto pages = AllPages(*store_, options);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_TRUE(pages[1].continuation.empty());
}

TEST_F(LocalListTest, OrderIsByNameAcrossDirectoryBoundaries) {
  // '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0': a tree walk alone would get these wrong.
  const std::vector<std::string> names = {"a", "a-b", "a.b", "a/b", "a/b/c", "a0", "b"};
  for (auto it = names.rbegin(); it != names.rend(); ++it) MustPut(*it, "x");
  EXPECT_EQ(ListNames(*store_, ""), names);
  ListOptions options;
  options.max_results = 1;
  EXPECT_EQ(NamesOf(AllPages(*store_, options)), names);
}

TEST_F(LocalListTest, PrefixesMaySplitASegment) {
  for (const char* name : {"img/alice", "img/alicex/1", "img/al/1", "img/bob", "im"}) {
    MustPut(name, "x");
  }
  EXPECT_EQ(ListNames(*store_, "img/ali"), (std::vector<std::string>{"img/alice", "img/alicex/1"}));
  EXPECT_EQ(ListNames(*store_, "img/alice"),
            (std::vector<std::string>{"img/alice", "img/alicex/1"}));
  EXPECT_EQ(ListNames(*store_, "img/alice/"), std::vector<std::string>{});
  EXPECT_EQ(ListNames(*store_, "im").size(), 5u);
  EXPECT_EQ(ListNames(*store_, "img/al/"), std::vector<std::string>{"img/al/1"});
  EXPECT_EQ(ListNames(*store_, "nothing/"), std::vector<std::string>{});
  // Prefixes no valid name can have match nothing, and never become paths.
  EXPECT_EQ(ListNames(*store_, "../"), std::vector<std::string>{});
  EXPECT_EQ(ListNames(*store_, "/img/"), std::vector<std::string>{});
  EXPECT_EQ(ListNames(*store_, "img//"), std::vector<std::string>{});
}

TEST_F(LocalListTest, HidesDeletedUnlessAsked) {
  MustPut("d/keep", "x");
  MustPut("d/gone", "x");
  ASSERT_TRUE(store_->Delete("d/gone"));
  EXPECT_EQ(ListNames(*store_, "d/"), std::vector<std::string>{"d/keep"});
  ListOptions options;
  options.prefix = "d/";
  options.include_deleted = true;
  auto pages = AllPages(*store_, options);
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].items.size(), 2u);
  EXPECT_EQ(pages[0].items[0].name, "d/gone");
  EXPECT_TRUE(pages[0].items[0].deleted);
  EXPECT_EQ(pages[0].items[0].deleted_at, kStartTime);
  EXPECT_FALSE(pages[0].items[1].deleted);
}

TEST_F(LocalListTest, VersionsAndTagsOnRequest) {
  PutOptions tagged;
  tagged.tags = {{"subscription_tier", "free"}};
  MustPut("v/a", "1", tagged);
  MustPut("v/a", "2", tagged);
  MustPut("v/a", "3", tagged);
  MustPut("v/b", "1", tagged);
  ListOptions options;
  options.prefix = "v/";
  auto plain = AllPages(*store_, options);
  ASSERT_EQ(NamesOf(plain), (std::vector<std::string>{"v/a", "v/b"}));
  EXPECT_TRUE(plain[0].items[0].tags.empty());
  EXPECT_TRUE(plain[0].items[0].is_current_version);

  options.include_versions = true;
  options.include_tags = true;
  options.max_results = 2;  // page boundaries fall inside v/a's versions
  auto pages = AllPages(*store_, options);
  std::vector<BlobProperties> items;
  for (const auto& page : pages) items.insert(items.end(), page.items.begin(), page.items.end());
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(pages.size(), 2u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].name, "v/a");
    EXPECT_EQ(items[i].is_current_version, i == 2);
    EXPECT_EQ(items[i].tags, tagged.tags);
  }
  EXPECT_LT(items[0].version_id, items[1].version_id);
  EXPECT_LT(items[1].version_id, items[2].version_id);
  EXPECT_EQ(items[3].name, "v/b");
}

TEST_F(LocalListTest, RefusesBadPageSizes) {
  ListOptions options;
  options.max_results = 0;
  EXPECT_EQ(store_->List(options).error().code, ErrorCode::kInvalidArgument);
  options.max_results = 5001;
  EXPECT_EQ(store_->List(options).error().code, ErrorCode::kInvalidArgument);
  options.max_results = 5000;
  EXPECT_TRUE(store_->List(options));
}

TEST_F(LocalListTest, AGarbageContinuationIsHarmless) {
  MustPut("g/1", "x");
  MustPut("g/2", "x");
  ListOptions options;
  options.continuation = "../../etc@passwd";
  auto page = store_->List(options);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 2u);  // "../.." sorts before "g/": everything after it
}

}  // namespace
}  // namespace noisett::storage::testing
