// Contract: one Catalog shared by many threads — writers never lose rows, readers never fail, and
// the checked writes stay exact under races: favorites idempotence, the 8-images-per-job limit,
// soft delete/restore beside lists, total_count after concurrent inserts and deletes. (Several
// processes are the same race for PostgreSQL: each call has its own connection.)
#include <atomic>
#include <map>
#include <mutex>
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

// Runs `body(t)` on `threads` threads at once (they start together) and joins them.
template <typename Fn>
void RunThreads(int threads, Fn body) {
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();
      body(t);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

TEST_P(CatalogContractTest, FavoritesStayIdempotentUnderConcurrentAddsAndRemoves) {
  Insert("alice", "fav-job", 1, 8);
  // 0 and 1 exist before the race (created_at 100): repeats must keep that first time. 4..7
  // exist too and are removed by every thread at once; 2 and 3 are new, added by all at once.
  for (int index : {0, 1, 4, 5, 6, 7}) {
    ASSERT_TRUE(catalog().AddFavorite("alice", "fav-job", index, 100));
  }
  std::atomic<int> failures{0};
  RunThreads(8, [&](int t) {
    for (int round = 0; round < 10; ++round) {
      for (int index = 0; index < 4; ++index) {
        Status s = catalog().AddFavorite("alice", "fav-job", index, 200 + t);
        if (!s) failures.fetch_add(1);
      }
      for (int index = 4; index < 8; ++index) {
        if (!catalog().RemoveFavorite("alice", "fav-job", index)) failures.fetch_add(1);
      }
    }
  });
  EXPECT_EQ(failures.load(), 0);
  auto page = catalog().ListFavorites("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 4);
  std::map<int, int64_t> created;
  for (const Favorite& f : page->items) {
    EXPECT_EQ(f.job_id, "fav-job");
    EXPECT_TRUE(created.emplace(f.image_index, f.created_at).second) << "twice: " << f.image_index;
  }
  ASSERT_EQ(created.size(), 4u);
  EXPECT_EQ(created[0], 100);
  EXPECT_EQ(created[1], 100);
  for (int index : {2, 3}) {
    ASSERT_TRUE(created.count(index)) << index;
    EXPECT_GE(created[index], 200);  // one thread's add won; the others kept its time
    EXPECT_LE(created[index], 207);
  }
}

// Every thread tries every index of one empty job, in its own order: exactly 8 adds succeed, the
// others are refused as image_exists or job_full, and the job ends with images 0..7.
TEST_P(CatalogContractTest, ConcurrentAddImageToOneJobFillsExactlyEight) {
  Insert("alice", "racy", 1, 0);
  std::atomic<int> added{0};
  std::mutex mu;
  std::map<std::string, int> refusals;
  RunThreads(16, [&](int t) {
    for (int k = 0; k < kMaxImagesPerJob; ++k) {
      const int index = (t + k) % kMaxImagesPerJob;
      Status s = catalog().AddImage("alice", "racy", MakeImage("alice", "racy", index));
      if (s) {
        added.fetch_add(1);
      } else {
        std::lock_guard lock(mu);
        ++refusals[s.error().reason];
      }
    }
  });
  EXPECT_EQ(added.load(), kMaxImagesPerJob);
  for (const auto& [reason, count] : refusals) {
    EXPECT_TRUE(reason == "image_exists" || reason == "job_full") << reason << " x" << count;
  }
  auto job = catalog().GetGeneration("alice", "racy");
  ASSERT_TRUE(job) << Describe(job);
  ASSERT_EQ(job->images.size(), static_cast<size_t>(kMaxImagesPerJob));
  for (int i = 0; i < kMaxImagesPerJob; ++i) EXPECT_EQ(job->images[i].index, i);
  EXPECT_TRUE(FailsWith(catalog().AddImage("alice", "racy", MakeImage("alice", "racy", 0)),
                        ErrorCode::kConflict, "job_full"));
  auto totals = catalog().Totals("alice");
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->total_images, kMaxImagesPerJob);
}

// 16 threads each add one index 0..15 to one job: the valid 0..7 all go in, 8..15 are refused.
TEST_P(CatalogContractTest, ConcurrentAddImageWithDistinctIndexesTakesOnlyValidOnes) {
  Insert("alice", "wide", 1, 0);
  std::atomic<int> added{0};
  std::atomic<int> wrong{0};
  RunThreads(16, [&](int t) {
    Status s = catalog().AddImage("alice", "wide", MakeImage("alice", "wide", t));
    if (s) {
      added.fetch_add(1);
      if (t >= kMaxImagesPerJob) wrong.fetch_add(1);
    } else if (t < kMaxImagesPerJob ||
               (s.error().reason != "bad_image_index" && s.error().reason != "job_full")) {
      wrong.fetch_add(1);
    }
  });
  EXPECT_EQ(added.load(), kMaxImagesPerJob);
  EXPECT_EQ(wrong.load(), 0);
  auto job = catalog().GetGeneration("alice", "wide");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->images.size(), static_cast<size_t>(kMaxImagesPerJob));
}

// Jobs flip between deleted and live while readers list: every listed job is live, counts stay in
// range, nothing fails; the final state is exact.
TEST_P(CatalogContractTest, SoftDeleteAndRestoreRaceWithLists) {
  constexpr int kJobs = 24;
  for (int i = 0; i < kJobs; ++i) Insert("alice", "flip-" + std::to_string(100 + i), 10 + i, 1);
  std::atomic<bool> flipping{true};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (flipping.load()) {
        auto page = catalog().ListGenerations("alice", {10, ""});
        if (!page || page->total_count < 0 || page->total_count > kJobs) failures.fetch_add(1);
        if (page) {
          for (const Generation& g : page->items) {
            if (g.deleted_at) failures.fetch_add(1);
          }
        }
      }
    });
  }
  // Thread t flips jobs t, t+4, t+8, ...: even rounds delete, odd rounds restore. Even threads
  // run 6 rounds (ending restored), odd threads 7 (ending deleted).
  RunThreads(4, [&](int t) {
    const int rounds = 6 + (t % 2);
    for (int round = 0; round < rounds; ++round) {
      for (int i = t; i < kJobs; i += 4) {
        const std::string job = "flip-" + std::to_string(100 + i);
        Status s = round % 2 == 0 ? catalog().SoftDeleteGeneration("alice", job, 500 + round)
                                  : catalog().RestoreGeneration("alice", job);
        if (!s) failures.fetch_add(1);
      }
    }
  });
  flipping.store(false);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  auto page = catalog().ListGenerations("alice", {100, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, kJobs / 2);
  ASSERT_EQ(page->items.size(), static_cast<size_t>(kJobs / 2));
  for (const Generation& g : page->items) {
    const int i = std::stoi(g.job_id.substr(5)) - 100;
    EXPECT_EQ(i % 4 % 2, 0) << g.job_id;
  }
}

// total_count (kept incrementally) equals a full walk of the list after concurrent inserts, soft
// deletes, restores and purges by many threads.
TEST_P(CatalogContractTest, TotalCountExactAfterConcurrentInsertsAndDeletes) {
  std::atomic<int> failures{0};
  std::atomic<int> live{0};
  RunThreads(8, [&](int t) {
    for (int i = 0; i < 30; ++i) {
      const std::string job = JobId(t, i);
      if (!catalog().InsertGeneration(MakeGeneration("bob", job, 1000 + i, 1))) {
        failures.fetch_add(1);
        continue;
      }
      Status s = Ok();
      if (i % 3 == 0) {
        s = catalog().SoftDeleteGeneration("bob", job, 2000);
      } else if (i % 5 == 0) {
        s = catalog().PurgeGeneration("bob", job);
      } else if (i % 7 == 0) {
        s = catalog().SoftDeleteGeneration("bob", job, 2000);
        if (s) s = catalog().RestoreGeneration("bob", job);
        live.fetch_add(1);
      } else {
        live.fetch_add(1);
      }
      if (!s) failures.fetch_add(1);
    }
  });
  ASSERT_EQ(failures.load(), 0);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = catalog().ListGenerations("bob", {50, cursor});
    ASSERT_TRUE(page) << Describe(page);
    EXPECT_EQ(page->total_count, live.load());
    for (const Generation& g : page->items) EXPECT_TRUE(seen.insert(g.job_id).second);
    cursor = page->next_cursor;
  } while (!cursor.empty() && ++pages < 50);
  EXPECT_EQ(static_cast<int>(seen.size()), live.load());
  auto totals = catalog().Totals("bob");
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->total_images, live.load());
}

}  // namespace
}  // namespace noisett::catalog::testing
