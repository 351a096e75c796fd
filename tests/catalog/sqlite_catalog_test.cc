// SQLite-only behaviour: opening and migrating files, the URL form, WAL, the query plans the
// 1M-row benchmark relies on, and the adapter's transaction guard.
#include "catalog/sqlite_catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog_contract.h"
#include "catalog/migrations.h"
#include "catalog/sqlite_db.h"
#include "catalog/temp_dir.h"

namespace noisett::catalog::testing {
namespace {

using sqlite::Db;
using sqlite::OpenMode;
using sqlite::Transaction;

std::unique_ptr<SqliteCatalog> MustOpen(const std::string& path) {
  auto catalog = SqliteCatalog::Open(path);
  EXPECT_TRUE(catalog) << Describe(catalog);
  return catalog ? std::move(*catalog) : nullptr;
}

Db MustOpenDb(const std::string& path) {
  auto db = Db::Open(path, OpenMode::kReadWrite);
  if (!db) std::abort();
  return std::move(*db);
}

int64_t QueryInt(Db& db, std::string_view sql) {
  auto stmt = db.Prepare(sql);
  if (!stmt || !stmt->Step().value_or(false)) return -1;
  return stmt->Int64(0);
}

std::string QueryText(Db& db, std::string_view sql) {
  auto stmt = db.Prepare(sql);
  if (!stmt || !stmt->Step().value_or(false)) return "<none>";
  return stmt->Text(0);
}

Generation OneGeneration(const std::string& user, const std::string& job, int64_t created_at) {
  Generation g;
  g.job_id = job;
  g.user_id = user;
  g.prompt = "p";
  g.asset_type = "image";
  g.created_at = created_at;
  g.images.push_back(ImageRecord{0, 1, "generated/" + user + "/" + job + "/image_0.jpg", "", 10, 0,
                                 1, 1, "image/jpeg"});
  return g;
}

TEST(SqliteCatalogTest, FreshFileIsMigratedToTheLatestVersion) {
  TempDir dir;
  ASSERT_NE(MustOpen(dir.File("fresh.db")), nullptr);
  Db db = MustOpenDb(dir.File("fresh.db"));
  auto version = SqliteSchemaVersion(db);
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, LatestSchemaVersion());
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(SqliteMigrations().size()));
  EXPECT_EQ(QueryInt(db,
                     "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                     " ('users', 'generations', 'images', 'favorites')"),
            4);
}

TEST(SqliteCatalogTest, ReopeningIsIdempotentAndKeepsData) {
  TempDir dir;
  const std::string path = dir.File("reopen.db");
  {
    auto catalog = MustOpen(path);
    ASSERT_NE(catalog, nullptr);
    ASSERT_TRUE(catalog->InsertGeneration(OneGeneration("alice", "job-1", 100)));
  }
  for (int i = 0; i < 2; ++i) {
    auto catalog = MustOpen(path);
    ASSERT_NE(catalog, nullptr);
    auto g = catalog->GetGeneration("alice", "job-1");
    ASSERT_TRUE(g) << Describe(g);
    EXPECT_EQ(g->images.size(), 1u);
  }
  Db db = MustOpenDb(path);
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM schema_migrations"),
            static_cast<int64_t>(SqliteMigrations().size()));
}

TEST(SqliteCatalogTest, RefusesASchemaNewerThanThisBuild) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  ASSERT_NE(MustOpen(path), nullptr);
  {
    Db db = MustOpenDb(path);
    auto stmt = db.Prepare(
        "INSERT INTO schema_migrations (version, name, applied_at)"
        " VALUES (?1, 'from the future', 0)");
    ASSERT_TRUE(stmt);
    ASSERT_TRUE(stmt->Bind({int64_t{LatestSchemaVersion() + 1}}));
    ASSERT_TRUE(stmt->Run());
  }
  auto catalog = SqliteCatalog::Open(path);
  ASSERT_FALSE(catalog);
  EXPECT_EQ(catalog.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(catalog.error().reason, "schema_too_new");
  EXPECT_NE(catalog.error().message.find(std::to_string(LatestSchemaVersion() + 1)),
            std::string::npos);
}

TEST(SqliteCatalogTest, FileIsInWalModeWithForeignKeys) {
  TempDir dir;
  ASSERT_NE(MustOpen(dir.File("wal.db")), nullptr);
  Db db = MustOpenDb(dir.File("wal.db"));
  EXPECT_EQ(QueryText(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt(db, "PRAGMA foreign_keys"), 1);
}

TEST(SqliteCatalogTest, OpenCreatesTheParentDirectory) {
  TempDir dir;
  ASSERT_NE(MustOpen(dir.File("data/nested/noisett.db")), nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir.File("data/nested/noisett.db")));
}

TEST(SqliteCatalogTest, UnopenablePathIsCatalogUnavailable) {
  TempDir dir;
  auto catalog = SqliteCatalog::Open(dir.path());  // a directory, not a file
  ASSERT_FALSE(catalog);
  EXPECT_EQ(catalog.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(catalog.error().reason, "catalog_unavailable");
}

TEST(SqliteCatalogTest, ParsesCatalogUrls) {
  EXPECT_EQ(ParseCatalogUrl("sqlite://./data/noisett.db").value_or(""), "./data/noisett.db");
  EXPECT_EQ(ParseCatalogUrl("sqlite:///var/lib/noisett.db").value_or(""), "/var/lib/noisett.db");
  EXPECT_EQ(ParseCatalogUrl("sqlite://:memory:").value_or(""), ":memory:");
  for (const char* bad : {"", "sqlite://", "sqlite:/x.db", "postgresql://host/db", "x.db",
                          "sqlite://x.db?mode=ro", "sqlite://x.db#frag"}) {
    auto path = ParseCatalogUrl(bad);
    ASSERT_FALSE(path) << bad;
    EXPECT_EQ(path.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(path.error().reason, "bad_catalog_url");
  }
}

// The history and favorites pages must walk their index in order: a temp B-tree would mean
// sorting every row of the user on each page, which the 1M-row benchmark cannot afford.
TEST(SqliteCatalogTest, KeysetQueriesUseTheirIndexWithoutSorting) {
  TempDir dir;
  ASSERT_NE(MustOpen(dir.File("plan.db")), nullptr);
  Db db = MustOpenDb(dir.File("plan.db"));
  struct Case {
    const char* sql;
    const char* index;
  };
  for (const Case& c : {Case{kHistoryFirstPageSql, "idx_generations_user"},
                        Case{kHistoryAfterSql, "idx_generations_user"},
                        Case{kFavoritesFirstPageSql, "idx_favorites_user"},
                        Case{kFavoritesAfterSql, "idx_favorites_user"}}) {
    auto plan = sqlite::ExplainQueryPlan(db, c.sql);
    ASSERT_TRUE(plan) << Describe(plan);
    std::string all;
    for (const std::string& line : *plan) all += line + "\n";
    EXPECT_NE(all.find(c.index), std::string::npos) << c.sql << "\n" << all;
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << c.sql << "\n" << all;
    EXPECT_EQ(all.find("SCAN generations"), std::string::npos) << c.sql << "\n" << all;
  }
}

// A claim walks the unfinished jobs oldest first and stops at the first it may take; a user's
// unfinished list and quota window read only that user's index range. Finished jobs pile up, so
// none of them may scan the table or sort.
TEST(SqliteCatalogTest, JobQueriesUseTheirIndexWithoutSorting) {
  TempDir dir;
  ASSERT_NE(MustOpen(dir.File("plan.db")), nullptr);
  Db db = MustOpenDb(dir.File("plan.db"));
  struct Case {
    const char* sql;
    std::vector<const char*> plan;  // lines the plan must hold
  };
  for (const Case& c :
       {Case{kClaimJobSql, {"SCAN jobs USING INDEX idx_jobs_claim\n"}},
        Case{kUnfinishedJobsSql, {"SEARCH j USING INDEX idx_jobs_user_unfinished (user_id=?)\n"}},
        Case{kQuotaUsageSql,
             {"SEARCH jobs USING INDEX idx_jobs_user_unfinished (user_id=?)\n",
              "SEARCH j USING INDEX idx_jobs_user_created (user_id=? AND created_at_ms>?)\n"}}}) {
    auto plan = sqlite::ExplainQueryPlan(db, c.sql);
    ASSERT_TRUE(plan) << Describe(plan);
    std::string all;
    for (const std::string& line : *plan) all += line + "\n";
    for (const char* line : c.plan) {
      EXPECT_NE(all.find(line), std::string::npos) << c.sql << "\n" << all;
    }
    EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << c.sql << "\n" << all;
    EXPECT_EQ(all.find("SCAN jobs\n"), std::string::npos) << c.sql << "\n" << all;
    EXPECT_EQ(all.find("SCAN j\n"), std::string::npos) << c.sql << "\n" << all;
  }
}

int64_t LiveCount(Db& db, const std::string& user) {
  return QueryInt(db, "SELECT COALESCE((SELECT live_jobs FROM user_job_counts WHERE user_id = '" +
                          user + "'), 0)");
}

int64_t LiveRows(Db& db, const std::string& user) {
  return QueryInt(db, "SELECT COUNT(*) FROM generations WHERE deleted_at IS NULL AND user_id = '" +
                          user + "'");
}

// total_count comes from a counter kept by triggers; every kind of write must keep it equal to the
// real count: inserts, soft deletes (twice), restores (twice), purges of live and deleted jobs.
TEST(SqliteCatalogTest, LiveJobCounterFollowsEveryWrite) {
  TempDir dir;
  const std::string path = dir.File("count.db");
  auto catalog = MustOpen(path);
  ASSERT_NE(catalog, nullptr);
  const std::vector<std::string> users = {"alice", "bob"};
  uint32_t state = 12345;  // a fixed pseudo-random walk, so a failure replays
  auto next = [&state](uint32_t n) {
    state = state * 1103515245u + 12345u;
    return (state >> 8) % n;
  };
  int made = 0;
  Db db = MustOpenDb(path);
  for (int step = 0; step < 300; ++step) {
    const std::string& user = users[next(2)];
    const std::string job = "job-" + std::to_string(next(made + 1));
    switch (next(4)) {
      case 0:
        (void)catalog->InsertGeneration(
            OneGeneration(user, "job-" + std::to_string(made), 1000 + made));
        ++made;
        break;
      case 1: (void)catalog->SoftDeleteGeneration(user, job, 5000 + step); break;
      case 2: (void)catalog->RestoreGeneration(user, job); break;
      case 3: (void)catalog->PurgeGeneration(user, job); break;
    }
    for (const std::string& u : users) {
      ASSERT_EQ(LiveCount(db, u), LiveRows(db, u)) << "step " << step << " user " << u;
      auto page = catalog->ListGenerations(u, {1, ""});
      ASSERT_TRUE(page) << Describe(page);
      ASSERT_EQ(page->total_count, LiveRows(db, u)) << "step " << step;
    }
  }
  EXPECT_GT(made, 50);
}

// Every table a list answer could read has triggers that move the user's version (migrations.cc,
// version 6), for each kind of write: a table added later without them fails here instead of
// letting a reused answer go stale. Exempt: bookkeeping, the versions themselves, and the live
// counts (derived from generations, whose own triggers fire). users moves it on updates only: a
// new user row alone shows in no list.
TEST(SqliteCatalogTest, EveryTableMovesTheUserVersion) {
  TempDir dir;
  const std::string path = dir.File("versions.db");
  auto catalog = MustOpen(path);
  ASSERT_NE(catalog, nullptr);
  Db db = MustOpenDb(path);
  const std::set<std::string> exempt = {"schema_migrations", "user_versions", "user_job_counts"};
  auto tables = db.Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  ASSERT_TRUE(tables);
  std::vector<std::string> names;
  while (tables->Step().value_or(false)) names.push_back(tables->Text(0));
  ASSERT_GE(names.size(), 6u);
  for (const std::string& table : names) {
    if (exempt.count(table) > 0) continue;
    for (const std::string event : {"INSERT", "UPDATE", "DELETE"}) {
      if (table == "users" && event != "UPDATE") continue;
      auto triggers = db.Prepare(
          "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1"
          " AND sql LIKE '%AFTER ' || ?2 || '%' AND sql LIKE '%user_version_bump%'");
      ASSERT_TRUE(triggers);
      ASSERT_TRUE(triggers->Bind({table, event}));
      ASSERT_TRUE(triggers->Step().value_or(false));
      EXPECT_GT(triggers->Int64(0), 0)
          << table << " has no trigger moving the user's version on " << event;
    }
  }
}

// A tool writing rows straight into the file (bench/make_history_rows.py, a hand fix) moves the
// version too: the triggers are in the schema, not in SqliteCatalog.
TEST(SqliteCatalogTest, RowsWrittenStraightIntoTheFileMoveTheUserVersion) {
  TempDir dir;
  const std::string path = dir.File("direct.db");
  auto catalog = MustOpen(path);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->InsertGeneration(OneGeneration("alice", "a1", 100)));
  auto before = catalog->UserVersion("alice");
  ASSERT_TRUE(before) << Describe(before);
  Db db = MustOpenDb(path);
  ASSERT_TRUE(db.Exec("UPDATE images SET content_type = 'image/png' WHERE job_id = 'a1'"));
  auto after = catalog->UserVersion("alice");
  ASSERT_TRUE(after) << Describe(after);
  EXPECT_GT(*after, *before);
  ASSERT_TRUE(db.Exec("INSERT INTO favorites VALUES ('alice', 'a1', 0, 5)"));
  auto again = catalog->UserVersion("alice");
  ASSERT_TRUE(again) << Describe(again);
  EXPECT_GT(*again, *after);
  EXPECT_EQ(catalog->UserVersion("bob").value_or(-1), 0);
}

// A version-1 file that already holds jobs gets its counters from the rows when it is migrated.
TEST(SqliteCatalogTest, MigratingAVersionOneFileCountsItsRows) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  {
    Db db = MustOpenDb(path);
    ASSERT_TRUE(db.Exec("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY,"
                        " name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    ASSERT_TRUE(db.Exec(SqliteMigrations()[0].sql));
    ASSERT_TRUE(db.Exec("INSERT INTO schema_migrations VALUES (1, 'init', 0)"));
    ASSERT_TRUE(db.Exec(
        "INSERT INTO generations (job_id, user_id, prompt, asset_type, created_at, deleted_at)"
        " VALUES ('a1', 'alice', 'p', 'image', 1, NULL), ('a2', 'alice', 'p', 'image', 2, NULL),"
        " ('a3', 'alice', 'p', 'image', 3, 10), ('b1', 'bob', 'p', 'image', 1, NULL)"));
  }
  auto catalog = MustOpen(path);
  ASSERT_NE(catalog, nullptr);
  auto alice = catalog->ListGenerations("alice", {50, ""});
  ASSERT_TRUE(alice) << Describe(alice);
  EXPECT_EQ(alice->total_count, 2);
  auto bob = catalog->ListGenerations("bob", {50, ""});
  ASSERT_TRUE(bob) << Describe(bob);
  EXPECT_EQ(bob->total_count, 1);
  ASSERT_TRUE(catalog->RestoreGeneration("alice", "a3"));
  alice = catalog->ListGenerations("alice", {50, ""});
  ASSERT_TRUE(alice) << Describe(alice);
  EXPECT_EQ(alice->total_count, 3);
}

// A version-2 file (before access tiers) keeps every row when migrated, and its images are hot.
TEST(SqliteCatalogTest, MigratingAVersionTwoFileKeepsDataAndMakesImagesHot) {
  TempDir dir;
  const std::string path = dir.File("v2.db");
  {
    Db db = MustOpenDb(path);
    ASSERT_TRUE(db.Exec("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY,"
                        " name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    ASSERT_EQ(SqliteMigrations()[1].version, 2);
    ASSERT_TRUE(db.Exec(SqliteMigrations()[0].sql));
    ASSERT_TRUE(db.Exec(SqliteMigrations()[1].sql));
    ASSERT_TRUE(db.Exec("INSERT INTO schema_migrations VALUES (1, 'init', 0), (2, 'counts', 0)"));
    ASSERT_TRUE(db.Exec(
        "INSERT INTO users VALUES ('alice', 'a@example.com', 'Alice', 'pro', 5);"
        "INSERT INTO generations (job_id, user_id, prompt, asset_type, created_at, image_count,"
        " deleted_at) VALUES ('a1', 'alice', 'p', 'image', 1, 2, NULL),"
        " ('a2', 'alice', 'p', 'image', 2, 1, 10);"
        "INSERT INTO images (job_id, image_index, blob_path, bytes) VALUES"
        " ('a1', 0, 'generated/alice/a1/image_0.jpg', 11),"
        " ('a1', 1, 'generated/alice/a1/image_1.jpg', 12),"
        " ('a2', 0, 'generated/alice/a2/image_0.jpg', 13);"
        "INSERT INTO favorites VALUES ('alice', 'a1', 1, 7);"));
  }
  auto catalog = MustOpen(path);
  ASSERT_NE(catalog, nullptr);
  {
    Db db = MustOpenDb(path);
    EXPECT_EQ(QueryInt(db, "SELECT MAX(version) FROM schema_migrations"), LatestSchemaVersion());
  }
  auto user = catalog->GetUser("alice");
  ASSERT_TRUE(user) << Describe(user);
  EXPECT_EQ(user->subscription_tier, "pro");
  auto a1 = catalog->GetGeneration("alice", "a1");
  ASSERT_TRUE(a1) << Describe(a1);
  ASSERT_EQ(a1->images.size(), 2u);
  EXPECT_EQ(a1->images[1].blob_path, "generated/alice/a1/image_1.jpg");
  EXPECT_EQ(a1->images[1].bytes, 12u);
  for (const ImageRecord& image : a1->images) EXPECT_EQ(image.access_tier, "hot");
  auto a2 = catalog->GetGeneration("alice", "a2", true);
  ASSERT_TRUE(a2) << Describe(a2);
  ASSERT_EQ(a2->images.size(), 1u);
  EXPECT_EQ(a2->images[0].access_tier, "hot");
  auto favorites = catalog->ListFavorites("alice", {50, ""});
  ASSERT_TRUE(favorites) << Describe(favorites);
  ASSERT_EQ(favorites->items.size(), 1u);
  EXPECT_EQ(favorites->items[0].image_index, 1);
  // The new column is writable, and the old rows work with the new calls.
  ASSERT_TRUE(catalog->SetImageTier("alice", "a1", 0, "archive"));
  auto left = catalog->RemoveImage("alice", "a1", 1);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, 1);
  a1 = catalog->GetGeneration("alice", "a1");
  ASSERT_TRUE(a1);
  ASSERT_EQ(a1->images.size(), 1u);
  EXPECT_EQ(a1->images[0].access_tier, "archive");
}

// WAL: a reader keeps working from the last committed snapshot while another connection holds
// the write lock in a long transaction.
TEST(SqliteCatalogTest, ReadsSucceedDuringAnotherConnectionsLongWrite) {
  TempDir dir;
  const std::string path = dir.File("wal-read.db");
  auto catalog = MustOpen(path);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->InsertGeneration(OneGeneration("alice", "job-1", 100)));

  Db other = MustOpenDb(path);
  auto txn = Transaction::Begin(other, Transaction::Kind::kWrite);
  ASSERT_TRUE(txn) << Describe(txn);
  auto insert = other.Prepare(
      "INSERT INTO generations (job_id, user_id, prompt, asset_type, created_at)"
      " VALUES ('job-2', 'alice', 'p', 'image', 200)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->Run());

  auto page = catalog->ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  ASSERT_EQ(page->items.size(), 1u);  // the uncommitted row is not visible
  EXPECT_EQ(page->items[0].job_id, "job-1");
  EXPECT_TRUE(catalog->GetGeneration("alice", "job-1"));
  EXPECT_TRUE(catalog->Totals("alice"));
  EXPECT_TRUE(catalog->CheckReady());
}

TEST(SqliteDbTest, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  Db db = MustOpenDb(dir.File("txn.db"));
  ASSERT_TRUE(db.Exec("CREATE TABLE t (x INTEGER)"));
  auto insert_one = [&](int64_t x) {
    auto stmt = db.Prepare("INSERT INTO t (x) VALUES (?1)");
    return stmt && stmt->Bind({x}) && stmt->Run();
  };
  {
    auto txn = Transaction::Begin(db, Transaction::Kind::kWrite);
    ASSERT_TRUE(txn);
    ASSERT_TRUE(insert_one(1));
  }  // dropped: rolled back
  {
    auto txn = Transaction::Begin(db, Transaction::Kind::kWrite);
    ASSERT_TRUE(txn);
    ASSERT_TRUE(insert_one(2));
    ASSERT_TRUE(txn->Commit());
  }
  EXPECT_TRUE(db.InAutocommit());
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM t"), 1);
  EXPECT_EQ(QueryInt(db, "SELECT x FROM t"), 2);
}

TEST(SqliteDbTest, WriterLockedPastTheTimeoutMapsToCatalogBusy) {
  // Two connections, as two processes would have; the second waits 50 ms instead of 5 s.
  TempDir dir;
  Db first = MustOpenDb(dir.File("busy.db"));
  auto second_or = Db::Open(dir.File("busy.db"), OpenMode::kReadWrite, /*busy_timeout_ms=*/50);
  ASSERT_TRUE(second_or);
  Db& second = *second_or;
  auto held = Transaction::Begin(first, Transaction::Kind::kWrite);
  ASSERT_TRUE(held);
  auto blocked = Transaction::Begin(second, Transaction::Kind::kWrite);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(blocked.error().reason, "catalog_busy");
}

TEST(SqliteDbTest, ConstraintViolationIsConflict) {
  TempDir dir;
  Db db = MustOpenDb(dir.File("constraint.db"));
  ASSERT_TRUE(db.Exec("CREATE TABLE t (x INTEGER PRIMARY KEY)"));
  ASSERT_TRUE(db.Exec("INSERT INTO t (x) VALUES (1)"));
  Status again = db.Exec("INSERT INTO t (x) VALUES (1)");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST(SqliteDbTest, FullDatabaseIsInsufficientStorage) {
  // SQLite's own page limit answers SQLITE_FULL exactly as a full volume does.
  TempDir dir;
  Db db = MustOpenDb(dir.File("full.db"));
  ASSERT_TRUE(db.Exec("CREATE TABLE t (x BLOB)"));
  const int64_t pages = QueryInt(db, "PRAGMA page_count");
  ASSERT_EQ(QueryInt(db, ("PRAGMA max_page_count = " + std::to_string(pages)).c_str()), pages);
  Status full = db.Exec("INSERT INTO t (x) VALUES (zeroblob(1000000))");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::kInsufficientStorage);
  EXPECT_EQ(full.error().reason, "insufficient_storage");
  EXPECT_NE(full.error().message.find("out of space"), std::string::npos) << full.error().message;
  EXPECT_NE(full.error().message.find("data directory"), std::string::npos);
  // Nothing half-written, and the same database still takes what fits.
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM t"), 0);
  EXPECT_TRUE(db.Exec("PRAGMA max_page_count = 1000000"));
  EXPECT_TRUE(db.Exec("INSERT INTO t (x) VALUES (zeroblob(1000))"));
}

}  // namespace
}  // namespace noisett::catalog::testing
