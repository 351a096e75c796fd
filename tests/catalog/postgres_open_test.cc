// PostgresCatalog::Open: migrations run once even when several instances start at once, a newer
// schema is refused, refused credentials and unreachable servers fail fast with
// catalog_unavailable and never show the password, bad URLs and options are refused; plus what
// PostgreSQL refuses that SQLite would store (NUL, invalid UTF-8) and the byte order of keys; and
// the SQLSTATE mapping of a full disk; and that the migrations keep SQLite's versions and names.
#include <gtest/gtest.h>

#include <pqxx/except>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog_contract.h"
#include "catalog/migrations.h"
#include "catalog/postgres_catalog.h"
#include "catalog/postgres_errors.h"
#include "catalog/postgres_migrations.h"
#include "catalog/postgres_url.h"
#include "support/postgres.h"

namespace noisett::catalog {
namespace {

using testing::Describe;
using testing::FailsWith;
using noisett::testing::PgExec;
using noisett::testing::PgQueryValue;
using noisett::testing::ScratchSchema;

class PostgresOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = noisett::testing::PostgresTestUrl();
    if (base_.empty()) GTEST_SKIP() << "NOISETT_TEST_PG_URL not set";
    std::string error;
    schema_ = ScratchSchema::Create(base_, &error);
    ASSERT_NE(schema_, nullptr) << error;
  }
  PostgresOptions Options() const {
    PostgresOptions options;
    options.url = schema_->url();
    return options;
  }
  // The password in the test URL ("postgresql://noisett:PASSWORD@...").
  std::string Password() const {
    const size_t colon = base_.find(':', base_.find("://") + 3);
    return base_.substr(colon + 1, base_.find('@') - colon - 1);
  }

  std::string base_;
  std::unique_ptr<ScratchSchema> schema_;
};

TEST_F(PostgresOpenTest, ConcurrentOpensMigrateOnce) {
  constexpr int kOpeners = 6;
  std::vector<std::unique_ptr<PostgresCatalog>> opened(kOpeners);
  std::vector<std::string> errors(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto catalog = PostgresCatalog::Open(Options());
      if (catalog) {
        opened[i] = std::move(*catalog);
      } else {
        errors[i] = Describe(catalog.error());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kOpeners; ++i) ASSERT_NE(opened[i], nullptr) << errors[i];
  std::string error;
  std::string every_version;  // "1,2,...": each applied once
  for (const Migration& migration : pg::PostgresMigrations()) {
    if (!every_version.empty()) every_version += ',';
    every_version += std::to_string(migration.version);
  }
  EXPECT_EQ(PgQueryValue(schema_->url(),
                         "SELECT string_agg(version::text, ',' ORDER BY version)"
                         " FROM schema_migrations",
                         &error),
            every_version)
      << error;
  // Every instance works on the one schema.
  ASSERT_TRUE(opened[0]->InsertGeneration(
      testing::SampleGeneration("alice", "j1", 5)));
  auto page = opened[5]->ListGenerations("alice", {10, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 1);
}

TEST_F(PostgresOpenTest, ReopenKeepsDataAndSchema) {
  {
    auto catalog = PostgresCatalog::Open(Options());
    ASSERT_TRUE(catalog) << Describe(catalog);
    ASSERT_TRUE((*catalog)->UpsertUser({"alice", "a@example.com", "Alice", "free", 7}));
  }
  auto again = PostgresCatalog::Open(Options());
  ASSERT_TRUE(again) << Describe(again);
  auto user = (*again)->GetUser("alice");
  ASSERT_TRUE(user) << Describe(user);
  EXPECT_EQ(user->email, "a@example.com");
  EXPECT_EQ(PgQueryValue(schema_->url(), "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(LatestSchemaVersion()));
}

// A version-2 schema (before access tiers) keeps every row when migrated, and its images are hot.
TEST_F(PostgresOpenTest, MigratingAVersionTwoSchemaKeepsDataAndMakesImagesHot) {
  const auto migrations = pg::PostgresMigrations();
  ASSERT_EQ(migrations[1].version, 2);
  const std::string url = schema_->url();
  ASSERT_EQ(PgExec(url, "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY,"
                        " name TEXT NOT NULL, applied_at BIGINT NOT NULL)"),
            "");
  ASSERT_EQ(PgExec(url, migrations[0].sql), "");
  ASSERT_EQ(PgExec(url, migrations[1].sql), "");
  ASSERT_EQ(PgExec(url,
                   "INSERT INTO schema_migrations VALUES (1, 'init', 0), (2, 'counts', 0);"
                   "INSERT INTO users VALUES ('alice', 'a@example.com', 'Alice', 'pro', 5);"
                   "INSERT INTO generations (job_id, user_id, prompt, asset_type, created_at,"
                   " image_count, deleted_at) VALUES ('a1', 'alice', 'p', 'image', 1, 2, NULL),"
                   " ('a2', 'alice', 'p', 'image', 2, 1, 10);"
                   "INSERT INTO images (job_id, image_index, blob_path, bytes) VALUES"
                   " ('a1', 0, 'generated/alice/a1/image_0.jpg', 11),"
                   " ('a1', 1, 'generated/alice/a1/image_1.jpg', 12),"
                   " ('a2', 0, 'generated/alice/a2/image_0.jpg', 13);"
                   "INSERT INTO favorites VALUES ('alice', 'a1', 1, 7);"),
            "");
  auto catalog = PostgresCatalog::Open(Options());
  ASSERT_TRUE(catalog) << Describe(catalog);
  EXPECT_EQ(PgQueryValue(url, "SELECT MAX(version) FROM schema_migrations"),
            std::to_string(LatestSchemaVersion()));
  auto user = (*catalog)->GetUser("alice");
  ASSERT_TRUE(user) << Describe(user);
  EXPECT_EQ(user->subscription_tier, "pro");
  auto a1 = (*catalog)->GetGeneration("alice", "a1");
  ASSERT_TRUE(a1) << Describe(a1);
  ASSERT_EQ(a1->images.size(), 2u);
  EXPECT_EQ(a1->images[1].blob_path, "generated/alice/a1/image_1.jpg");
  EXPECT_EQ(a1->images[1].bytes, 12u);
  for (const ImageRecord& image : a1->images) EXPECT_EQ(image.access_tier, "hot");
  auto a2 = (*catalog)->GetGeneration("alice", "a2", true);
  ASSERT_TRUE(a2) << Describe(a2);
  ASSERT_EQ(a2->images.size(), 1u);
  EXPECT_EQ(a2->images[0].access_tier, "hot");
  auto page = (*catalog)->ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 1);
  auto favorites = (*catalog)->ListFavorites("alice", {50, ""});
  ASSERT_TRUE(favorites) << Describe(favorites);
  ASSERT_EQ(favorites->items.size(), 1u);
  EXPECT_EQ(favorites->items[0].image_index, 1);
  // The new column is writable, and the old rows work with the new calls.
  ASSERT_TRUE((*catalog)->SetImageTier("alice", "a1", 0, "archive"));
  auto left = (*catalog)->RemoveImage("alice", "a1", 1);
  ASSERT_TRUE(left) << Describe(left);
  EXPECT_EQ(*left, 1);
  a1 = (*catalog)->GetGeneration("alice", "a1");
  ASSERT_TRUE(a1);
  ASSERT_EQ(a1->images.size(), 1u);
  EXPECT_EQ(a1->images[0].access_tier, "archive");
}

// As SqliteCatalogTest.EveryTableMovesTheUserVersion: every table a list answer could read has a
// trigger moving the user's version for each kind of write (postgres_migrations.cc, version 6).
TEST_F(PostgresOpenTest, EveryTableMovesTheUserVersion) {
  ASSERT_TRUE(PostgresCatalog::Open(Options()));
  const std::string url = schema_->url();
  const std::string tables = PgQueryValue(
      url,
      "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables"
      " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
  const std::string covered = PgQueryValue(
      url,
      "SELECT ',' || string_agg(DISTINCT event_object_table || ':' || event_manipulation, ',')"
      " || ',' FROM information_schema.triggers WHERE trigger_schema = current_schema()"
      " AND action_statement LIKE '%user_version_row%'");
  const std::set<std::string> exempt = {"schema_migrations", "user_versions", "user_job_counts"};
  size_t start = 0;
  int checked = 0;
  while (start <= tables.size()) {
    size_t end = tables.find(',', start);
    if (end == std::string::npos) end = tables.size();
    const std::string table = tables.substr(start, end - start);
    start = end + 1;
    if (table.empty() || exempt.count(table) > 0) continue;
    ++checked;
    for (const std::string event : {"INSERT", "UPDATE", "DELETE"}) {
      if (table == "users" && event != "UPDATE") continue;
      EXPECT_NE(covered.find("," + table + ":" + event + ","), std::string::npos)
          << table << " has no trigger moving the user's version on " << event << " (" << covered
          << ")";
    }
  }
  EXPECT_GE(checked, 5);
}

TEST_F(PostgresOpenTest, NewerSchemaIsRefused) {
  ASSERT_TRUE(PostgresCatalog::Open(Options()));
  ASSERT_EQ(PgExec(schema_->url(),
                   "INSERT INTO schema_migrations (version, name, applied_at)"
                   " VALUES (999, 'from_the_future', 0)"),
            "");
  auto catalog = PostgresCatalog::Open(Options());
  EXPECT_TRUE(FailsWith(catalog, ErrorCode::kUnsupported, "schema_too_new"));
}

TEST_F(PostgresOpenTest, WrongPasswordIsUnavailableWithoutThePassword) {
  const std::string password = Password();
  ASSERT_FALSE(password.empty());
  PostgresOptions options = Options();
  const std::string wrong = "Wr0ngSecretValue42";
  options.url.replace(options.url.find(password), password.size(), wrong);
  const auto start = std::chrono::steady_clock::now();
  auto catalog = PostgresCatalog::Open(options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(FailsWith(catalog, ErrorCode::kUnavailable, "catalog_unavailable"));
  const std::string message = catalog.error().message;
  EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
  EXPECT_EQ(message.find(wrong), std::string::npos) << message;
  EXPECT_EQ(message.find(password), std::string::npos) << message;
}

TEST_F(PostgresOpenTest, DescriptionNamesTheServerNotThePassword) {
  auto catalog = PostgresCatalog::Open(Options());
  ASSERT_TRUE(catalog) << Describe(catalog);
  const std::string text = (*catalog)->Describe();
  const std::string host = base_.substr(base_.find('@') + 1);  // 127.0.0.1:PORT/postgres
  EXPECT_EQ(text, "postgresql://" + host.substr(0, host.find('?')));
  EXPECT_EQ(text.find(Password()), std::string::npos) << text;
}

TEST_F(PostgresOpenTest, UnreachableServerIsUnavailableQuickly) {
  PostgresOptions options;
  // Port 1 on loopback: nothing listens, the connect is refused at once.
  options.url = "postgresql://noisett:Sup3rSecret@127.0.0.1:1/postgres";
  const auto start = std::chrono::steady_clock::now();
  auto catalog = PostgresCatalog::Open(options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(FailsWith(catalog, ErrorCode::kUnavailable, "catalog_unavailable"));
  EXPECT_EQ(catalog.error().message.find("Sup3rSecret"), std::string::npos)
      << catalog.error().message;
  EXPECT_NE(catalog.error().message.find("127.0.0.1"), std::string::npos);
}

TEST_F(PostgresOpenTest, BadUrlsAndOptionsAreRefused) {
  for (const char* url : {"postgresql://noisett:Secret99@127.0.0.1/db?no_such_option=1",
                          "postgresql://[::1/db", "postgresql://h/db?sslmode",
                          "postgres://u:Secret99@h:5432/db?%zz=1"}) {
    PostgresOptions options;
    options.url = url;
    auto catalog = PostgresCatalog::Open(options);
    ASSERT_TRUE(FailsWith(catalog, ErrorCode::kInvalidArgument, "bad_catalog_url")) << url;
    EXPECT_EQ(catalog.error().message.find("Secret99"), std::string::npos)
        << catalog.error().message;
  }
  for (int pool : {0, -1, 257}) {
    PostgresOptions options = Options();
    options.pool_size = pool;
    EXPECT_TRUE(
        FailsWith(PostgresCatalog::Open(options), ErrorCode::kInvalidArgument, "bad_catalog_url"))
        << pool;
  }
  PostgresOptions options = Options();
  options.statement_timeout_ms = 0;
  EXPECT_TRUE(
      FailsWith(PostgresCatalog::Open(options), ErrorCode::kInvalidArgument, "bad_catalog_url"));
}

// The two schemas are parallel by design (each dialect's SQL stands on its own), so this keeps
// their version lists in step: same versions, same names, in the same order.
TEST(PostgresMigrationsTest, SameVersionsAndNamesAsSqlite) {
  const auto sqlite = SqliteMigrations();
  const auto postgres = pg::PostgresMigrations();
  ASSERT_EQ(postgres.size(), sqlite.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(postgres[i].version, sqlite[i].version);
    EXPECT_STREQ(postgres[i].name, sqlite[i].name);
  }
  EXPECT_EQ(postgres.back().version, LatestSchemaVersion());
}

TEST(PostgresUrlTest, SchemesAndRedaction) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgres://"));
  EXPECT_FALSE(IsPostgresUrl("sqlite://./x.db"));
  EXPECT_FALSE(IsPostgresUrl("POSTGRESQL://h"));
  auto info = pg::ParseUrl("postgresql://u:p%40ss%2Fw0rd@h:5/db", 5);
  ASSERT_TRUE(info) << Describe(info.error());
  EXPECT_EQ(info->where, "h:5/db");
  EXPECT_EQ(pg::Redact("x p@ss/w0rd y p%40ss%2Fw0rd z", *info), "x *** y *** z");
  EXPECT_EQ(pg::Redact("host=h password='a b\\'c' user=u", *info),
            "host=h password=*** user=u");
  EXPECT_EQ(pg::Redact("see postgresql://me:hunter2@db/x", *info),
            "see postgresql://me:***@db/x");
}

class PostgresValuesTest : public PostgresOpenTest {
 protected:
  void SetUp() override {
    PostgresOpenTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto opened = PostgresCatalog::Open(Options());
    ASSERT_TRUE(opened) << Describe(opened);
    catalog_ = std::move(*opened);
  }
  std::unique_ptr<PostgresCatalog> catalog_;
};

// libpq would cut "alice\0bob" to "alice": refused instead, so one user can never read as another.
TEST_F(PostgresValuesTest, NulInTextIsRefusedNotTruncated) {
  ASSERT_TRUE(catalog_->InsertGeneration(
      testing::SampleGeneration("alice", "j1", 5)));
  const std::string sneaky("alice\0bob", 9);
  EXPECT_TRUE(FailsWith(catalog_->ListGenerations(sneaky, {10, ""}), ErrorCode::kInvalidArgument,
                        "bad_value"));
  EXPECT_TRUE(FailsWith(catalog_->GetGeneration(sneaky, "j1"), ErrorCode::kInvalidArgument,
                        "bad_value"));
  auto g = testing::SampleGeneration("alice", std::string("j2\0x", 4),
                                                                 6);
  EXPECT_TRUE(FailsWith(catalog_->InsertGeneration(g), ErrorCode::kInvalidArgument, "bad_value"));
}

TEST_F(PostgresValuesTest, InvalidUtf8IsRefused) {
  auto g = testing::SampleGeneration("alice", "j1", 5);
  g.prompt = "bad \xff\xfe bytes";
  EXPECT_TRUE(FailsWith(catalog_->InsertGeneration(g), ErrorCode::kInvalidArgument, "bad_value"));
  // The failed transaction left nothing behind, and the pooled connection still works.
  auto page = catalog_->ListGenerations("alice", {10, ""});
  ASSERT_TRUE(page) << Describe(page);
  EXPECT_EQ(page->total_count, 0);
}

// Keys sort by bytes (COLLATE "C"), as on SQLite, whatever the database's collation.
TEST_F(PostgresValuesTest, KeysSortByBytes) {
  for (const char* job : {"b", "B", "a", "\xc3\xa9", "A"}) {
    ASSERT_TRUE(catalog_->InsertGeneration(
        testing::SampleGeneration("alice", job, 5)));
  }
  auto scan = catalog_->ScanGenerations("", 10);
  ASSERT_TRUE(scan) << Describe(scan);
  std::vector<std::string> ids;
  for (const Generation& g : scan->items) ids.push_back(g.job_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"A", "B", "a", "b", "\xc3\xa9"}));
  auto page = catalog_->ListGenerations("alice", {2, ""});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].job_id, "\xc3\xa9");
  EXPECT_EQ(page->items[1].job_id, "b");
}

// PostgreSQL's own volume full (disk_full, 53100) is the out-of-space failure (507), not a
// transient outage; the password never shows in the message. No server needed.
TEST(PostgresErrorsTest, DiskFullIsInsufficientStorage) {
  pg::ConnInfo info;
  info.secrets[0] = "s3cret";
  const pqxx::sql_error full("could not extend file: No space left on device (s3cret)",
                             "INSERT INTO images ...", "53100");
  const Error e = pg::PgError(full, info);
  EXPECT_EQ(e.code, ErrorCode::kInsufficientStorage);
  EXPECT_EQ(e.reason, "insufficient_storage");
  EXPECT_EQ(e.message.find("s3cret"), std::string::npos) << e.message;
  const pqxx::sql_error busy("too many connections", "", "53300");
  EXPECT_EQ(pg::PgError(busy, info).code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace noisett::catalog
