// Reconnection: after the catalog's sessions are terminated (pg_terminate_backend, only those of
// this test's scratch database: other tests share the server) and after a real restart of a
// private server, the next calls succeed on fresh connections. While the server is down, calls
// fail fast with catalog_unavailable and no password.
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

std::unique_ptr<PostgresCatalog> OpenCatalog(const std::string& url, int pool_size) {
  PostgresOptions options;
  options.url = url;
  options.pool_size = pool_size;
  auto catalog = PostgresCatalog::Open(options);
  EXPECT_TRUE(catalog) << Describe(catalog);
  return catalog ? std::move(*catalog) : nullptr;
}

// Every kind of call, once: all must succeed.
void ExpectCallsWork(Catalog& catalog, const std::string& job, int64_t at) {
  EXPECT_TRUE(catalog.InsertGeneration(SampleGeneration("alice", job, at, 2)));
  EXPECT_TRUE(catalog.GetGeneration("alice", job));
  EXPECT_TRUE(catalog.ListGenerations("alice", {10, ""}));
  EXPECT_TRUE(catalog.AddFavorite("alice", job, 1, at));
  EXPECT_TRUE(catalog.ListFavorites("alice", {10, ""}));
  EXPECT_TRUE(catalog.CheckReady());
}

TEST(PostgresReconnectTest, TerminatedSessionsAreReplaced) {
  const std::string base = noisett::testing::PostgresTestUrl();
  if (base.empty()) GTEST_SKIP() << "NOISETT_TEST_PG_URL not set";
  std::string error;
  auto db = noisett::testing::ScratchDatabase::Create(base, &error);
  ASSERT_NE(db, nullptr) << error;
  auto catalog = OpenCatalog(db->url(), 4);
  ASSERT_NE(catalog, nullptr);
  // Fill the pool: four threads at once.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { ExpectCallsWork(*catalog, "warm-" + std::to_string(t), t); });
  }
  for (std::thread& t : threads) t.join();

  for (int round = 0; round < 2; ++round) {
    const std::string killed = noisett::testing::PgQueryValue(
        base,
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
            db->name() + "' AND application_name = 'noisett'",
        &error);
    ASSERT_TRUE(error.empty()) << error;
    EXPECT_GE(std::stoi(killed), 1);
    // pg_terminate_backend only signals: wait until those sessions are really gone, so the
    // catalog meets closed connections (a connection that dies in the middle of a statement is
    // handled the same way, but libpq 15 + libpqxx 6.4 leak its failed result; see
    // postgres_pool.cc).
    for (int i = 0; i < 200; ++i) {
      if (noisett::testing::PgQueryValue(
              base, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + db->name() +
                        "' AND application_name = 'noisett'") == "0") {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // The first call meets a dead connection, drops it and the other idle ones, and runs again.
    ExpectCallsWork(*catalog, "after-" + std::to_string(round), 100 + round);
  }
  auto page = catalog->ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 6);
}

TEST(PostgresReconnectTest, RealServerRestartAndOutage) {
  std::string error;
  auto server = noisett::testing::PrivateServer::Start(&error);
  ASSERT_NE(server, nullptr) << error;
  auto catalog = OpenCatalog(server->url(), 3);
  ASSERT_NE(catalog, nullptr);
  ExpectCallsWork(*catalog, "before", 1);

  ASSERT_EQ(server->Restart(), "");
  ExpectCallsWork(*catalog, "after-restart", 2);
  auto before = catalog->GetGeneration("alice", "before");
  ASSERT_TRUE(before) << Describe(before);
  EXPECT_EQ(before->images.size(), 2u);

  ASSERT_EQ(server->Stop(), "");
  const std::string password =
      server->url().substr(server->url().find("noisett:") + 8,
                           server->url().find('@') - server->url().find("noisett:") - 8);
  for (int i = 0; i < 2; ++i) {
    const auto start = Clock::now();
    Status down = catalog->InsertGeneration(SampleGeneration("alice", "down", 3, 1));
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
    ASSERT_TRUE(FailsWith(down, ErrorCode::kUnavailable, "catalog_unavailable"));
    EXPECT_EQ(down.error().message.find(password), std::string::npos) << down.error().message;
    EXPECT_TRUE(FailsWith(catalog->CheckReady(), ErrorCode::kUnavailable, "catalog_unavailable"));
  }

  ASSERT_EQ(server->Restart(), "");  // pg_ctl restart starts a stopped server
  ExpectCallsWork(*catalog, "back", 4);
  auto page = catalog->ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 3);
}

}  // namespace
}  // namespace noisett::catalog
