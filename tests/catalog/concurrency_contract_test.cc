// Contract: one Catalog shared by many threads — writers never lose rows, readers never fail.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

constexpr int kThreads = 8;
constexpr int kPerThread = 100;

std::string JobId(int thread, int i) {
  return "job-" + std::to_string(thread) + "-" + std::to_string(i);
}

TEST_P(CatalogContractTest, EightThreadsInsert800GenerationsAllListed) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Many rows share a second, so the pages below also exercise the job_id tie-break.
        if (!catalog().InsertGeneration(MakeGeneration("alice", JobId(t, i), 1000 + i % 7, 1))) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);

  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = catalog().ListGenerations("alice", {200, cursor});
    ASSERT_TRUE(page) << Describe(page);
    EXPECT_EQ(page->total_count, kThreads * kPerThread);
    for (const Generation& g : page->items) EXPECT_TRUE(seen.insert(g.job_id).second) << g.job_id;
    cursor = page->next_cursor;
  } while (!cursor.empty() && ++pages < 100);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_P(CatalogContractTest, ReadersRunBesideWritersWithoutErrors) {
  Insert("alice", "seed-job", 1, 2);
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!catalog().InsertGeneration(MakeGeneration("alice", JobId(t, i), 10 + i, 2))) {
          failures.fetch_add(1);
        }
        if (!catalog().AddFavorite("alice", "seed-job", (i + t) % 2, 10 + i)) failures.fetch_add(1);
      }
    });
  }
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (writing.load()) {
        auto page = catalog().ListGenerations("alice", {20, ""});
        if (!page || page->items.empty()) failures.fetch_add(1);
        if (!catalog().Totals("alice") || !catalog().ListFavorites("alice", {20, ""})) {
          failures.fetch_add(1);
        }
        if (!catalog().GetGeneration("alice", "seed-job")) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  writing.store(false);
  for (std::thread& thread : readers) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto page = catalog().ListGenerations("alice", {200, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total_count, 101);
  auto favorites = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(favorites);
  EXPECT_EQ(favorites->total_count, 2);  // 100 adds of two keys: idempotent under contention
}

}  // namespace
}  // namespace noisett::catalog::testing
