// The pool and the timeouts: never more than pool_size sessions however many threads call, a
// call that cannot get a connection in time is refused (catalog_busy) instead of queueing
// forever, and a statement stuck behind another session's lock fails after statement_timeout
// (catalog_busy) rather than hanging, leaving its connection usable. Each test works in a scratch
// database so its sessions can be counted by datname in pg_stat_activity.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "catalog/catalog_contract.h"
#include "catalog/postgres_catalog.h"
#include "support/postgres.h"

namespace noisett::catalog {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Describe;
using testing::FailsWith;
using testing::SampleGeneration;
using noisett::testing::PgSession;
using noisett::testing::ScratchDatabase;

class PostgresPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = noisett::testing::PostgresTestUrl();
    if (base_.empty()) GTEST_SKIP() << "NOISETT_TEST_PG_URL not set";
    std::string error;
    db_ = ScratchDatabase::Create(base_, &error);
    ASSERT_NE(db_, nullptr) << error;
  }
  std::unique_ptr<PostgresCatalog> Open(int pool_size, int statement_timeout_ms = 5000,
                                        int acquire_timeout_ms = 10000) {
    PostgresOptions options;
    options.url = db_->url();
    options.pool_size = pool_size;
    options.statement_timeout_ms = statement_timeout_ms;
    options.acquire_timeout_ms = acquire_timeout_ms;
    auto catalog = PostgresCatalog::Open(options);
    EXPECT_TRUE(catalog) << Describe(catalog);
    return catalog ? std::move(*catalog) : nullptr;
  }
  std::unique_ptr<PgSession> Session(const std::string& url) {
    std::string error;
    auto session = PgSession::Connect(url, &error);
    EXPECT_NE(session, nullptr) << error;
    return session;
  }
  std::string CountSessionsSql() const {
    return "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + db_->name() +
           "' AND application_name = 'noisett'";
  }

  std::string base_;
  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(PostgresPoolTest, SixteenThreadsNeverOpenMoreThanPoolSize) {
  auto catalog = Open(2);
  ASSERT_NE(catalog, nullptr);
  auto monitor = Session(base_);
  ASSERT_NE(monitor, nullptr);
  std::atomic<bool> running{true};
  std::atomic<int> failures{0};
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; running.load(); ++i) {
        const std::string job = "j-" + std::to_string(t) + "-" + std::to_string(i);
        if (!catalog->InsertGeneration(SampleGeneration("alice", job, i, 1))) failures++;
        if (!catalog->ListGenerations("alice", {20, ""})) failures++;
        calls += 2;
      }
    });
  }
  int most = 0;
  const auto end = Clock::now() + std::chrono::milliseconds(1500);
  while (Clock::now() < end) {
    std::string error;
    const std::string count = monitor->Query(CountSessionsSql(), &error);
    ASSERT_TRUE(error.empty()) << error;
    most = std::max(most, std::stoi(count));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  running.store(false);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(calls.load(), 16);
  EXPECT_GE(most, 1);
  EXPECT_LE(most, 2);
}

TEST_F(PostgresPoolTest, NoConnectionInTimeIsCatalogBusy) {
  auto catalog = Open(1, 5000, 300);
  ASSERT_NE(catalog, nullptr);
  auto locker = Session(db_->url());
  ASSERT_NE(locker, nullptr);
  ASSERT_EQ(locker->Exec("BEGIN"), "");
  ASSERT_EQ(locker->Exec("LOCK TABLE generations IN ACCESS EXCLUSIVE MODE"), "");
  // The only connection waits on the lock inside this insert...
  Status blocked_insert = Ok();
  std::thread holder([&] {
    blocked_insert = catalog->InsertGeneration(SampleGeneration("alice", "held", 1, 1));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // ...so the next call gets none within its 300 ms.
  const auto start = Clock::now();
  auto user = catalog->GetUser("alice");
  const auto waited = Clock::now() - start;
  EXPECT_TRUE(FailsWith(user, ErrorCode::kUnavailable, "catalog_busy"));
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
  ASSERT_EQ(locker->Exec("ROLLBACK"), "");
  holder.join();
  EXPECT_TRUE(blocked_insert) << Describe(blocked_insert);
  EXPECT_TRUE(catalog->GetGeneration("alice", "held"));
}

TEST_F(PostgresPoolTest, StatementTimeoutIsCatalogBusyNotAHang) {
  auto catalog = Open(1, 500);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->InsertGeneration(SampleGeneration("alice", "before", 1, 1)));
  auto locker = Session(db_->url());
  ASSERT_NE(locker, nullptr);
  ASSERT_EQ(locker->Exec("BEGIN"), "");
  ASSERT_EQ(locker->Exec("LOCK TABLE generations IN ACCESS EXCLUSIVE MODE"), "");
  auto start = Clock::now();
  Status write = catalog->InsertGeneration(SampleGeneration("alice", "during", 2, 1));
  auto took = Clock::now() - start;
  EXPECT_TRUE(FailsWith(write, ErrorCode::kUnavailable, "catalog_busy"));
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::milliseconds(3000));
  start = Clock::now();
  EXPECT_TRUE(FailsWith(catalog->ListGenerations("alice", {10, ""}), ErrorCode::kUnavailable,
                        "catalog_busy"));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(3000));
  ASSERT_EQ(locker->Exec("ROLLBACK"), "");
  // The same (only) connection serves the next calls: the timeout cancelled a statement, it did
  // not break the session.
  ASSERT_TRUE(catalog->InsertGeneration(SampleGeneration("alice", "after", 3, 1)));
  auto page = catalog->ListGenerations("alice", {10, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 2);
}

}  // namespace
}  // namespace noisett::catalog
