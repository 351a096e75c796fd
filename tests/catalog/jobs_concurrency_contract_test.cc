// Contract: claims race safely. Threads claim from one queue through two catalogs opened on the
// same database, as two processes or two `noisett serve` instances would: every job is claimed
// exactly once, by one instance, and the queue ends empty. (SQLite: two SqliteCatalog::Open on one
// file, so the claims meet at SQLite's write lock; PostgreSQL: two pools, so they meet at the
// row locks of FOR UPDATE SKIP LOCKED.)
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

constexpr int kJobs = 40;
constexpr int kThreads = 4;
constexpr int64_t kNowMs = 1'700'000'000'000;

TEST_P(CatalogContractTest, JobFourThreadsOnTwoHandlesClaimEveryJobOnce) {
  std::unique_ptr<Catalog> other = OpenAnother();
  if (other == nullptr) GTEST_SKIP() << "no second handle on this database (in memory)";
  std::map<std::string, std::string> owners;  // job id -> user
  for (int i = 0; i < kJobs; ++i) {
    const std::string job_id = "job-" + std::to_string(100 + i);
    owners[job_id] = "user-" + std::to_string(i % 3);
    // Four jobs per millisecond: the job_id tie-break orders them too.
    CreateJob(MakeJob(owners[job_id], job_id, kNowMs - kJobs + i / 4));
  }
  Catalog* handles[] = {&catalog(), other.get()};
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> claimers;  // job id -> instances
  std::atomic<int> failures{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      JobQueue& jobs = handles[t % 2]->jobs();
      const std::string instance = "inst-" + std::to_string(t);
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      while (true) {
        auto claimed = jobs.ClaimJob(instance, {"noise"}, kNowMs, kLeaseMs);
        if (!claimed) {
          // Counted (the test expects none), then tried again, a few times at most.
          if (failures.fetch_add(1) >= 10) return;
          continue;
        }
        if (!claimed->has_value()) return;
        std::lock_guard lock(mu);
        claimers[(*claimed)->job_id].push_back(instance);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(claimers.size(), static_cast<size_t>(kJobs));
  for (const auto& [job_id, instances] : claimers) {
    ASSERT_EQ(instances.size(), 1u)
        << job_id << " claimed by " << instances[0] << " and " << instances[1];
    auto job = catalog().jobs().GetJob(owners[job_id], job_id);
    ASSERT_TRUE(job) << Describe(job);
    EXPECT_EQ(job->lease_owner, instances[0]);
    EXPECT_EQ(job->attempts, 1);
  }
  for (Catalog* handle : handles) {
    auto queued = handle->jobs().CountJobs(JobStatus::kQueued);
    ASSERT_TRUE(queued);
    EXPECT_EQ(*queued, 0);
    auto running = handle->jobs().CountJobs(JobStatus::kRunning);
    ASSERT_TRUE(running);
    EXPECT_EQ(*running, kJobs);
  }
}

}  // namespace
}  // namespace noisett::catalog::testing
