// SqliteCatalog: the Catalog contract in SQL. Ownership checks are part of every query
// (WHERE job_id = ? AND user_id = ?), so another user's job is indistinguishable from a missing
// one. Each write checks its preconditions and changes rows inside one BEGIN IMMEDIATE
// transaction, so the checks cannot race with other writers (sqlite_txn.h).
//
// This file opens the catalog and holds the calls on users, totals and readiness; generations
// and their images are sqlite_generations.cc, favorites sqlite_favorites.cc, the job queue
// sqlite_jobs.cc. Input checks both
// catalogs share are catalog_validation.h.
#include "catalog/sqlite_catalog.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include "catalog/catalog_errors.h"
#include "catalog/migrations.h"
#include "catalog/sqlite_txn.h"
#include "core/clock.h"

namespace noisett::catalog {

using sqlite::ConnectionPool;
using sqlite::Db;
using sqlite::Execute;
using sqlite::InReadTransaction;
using sqlite::InWriteTransaction;
using sqlite::QueryRow;

namespace {

int ReaderCount() {
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores, 2u, 8u));
}

}  // namespace

Result<std::string> ParseCatalogUrl(std::string_view url) {
  constexpr std::string_view kScheme = "sqlite://";
  auto bad = [&](const char* why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_catalog_url",
                                std::string(why) + ": " + std::string(url)));
  };
  if (url.substr(0, kScheme.size()) != kScheme) return bad("expected sqlite://FILE");
  std::string_view file = url.substr(kScheme.size());
  if (file.empty()) return bad("empty file name");
  // URI parameters are not interpreted (the file is opened by plain name), so refuse them.
  if (file.find_first_of(std::string_view("?#\0", 3)) != std::string_view::npos) {
    return bad("query strings and fragments are not supported");
  }
  return std::string(file);
}

Result<std::unique_ptr<SqliteCatalog>> SqliteCatalog::Open(const std::string& path) {
  if (path != ":memory:") {
    // The embedded default lives in ./data, which may not exist yet on a fresh checkout.
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Unexpected(MakeError(ErrorCode::kUnavailable, "catalog_unavailable",
                                  "cannot create " + parent.string() + ": " + ec.message()));
    }
  }
  auto pool = ConnectionPool::Open(path, ReaderCount());
  if (!pool) return Unexpected(pool.error());
  {
    auto lease = (*pool)->Write();
    if (Status s = MigrateSqlite(lease.db(), SystemClock::Instance().NowSeconds()); !s) {
      return Unexpected(s.error());
    }
  }
  return std::unique_ptr<SqliteCatalog>(new SqliteCatalog(std::move(*pool)));
}

// --- users ---

Status SqliteCatalog::UpsertUser(const UserRecord& user) {
  return InWriteTransaction(*pool_, [&](Db& db) {
    return Execute(db,
                   "INSERT INTO users (user_id, email, name, subscription_tier, created_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE"
                   " SET email = excluded.email, name = excluded.name",
                   {user.user_id, user.email, user.name, user.subscription_tier, user.created_at});
  });
}

Result<UserRecord> SqliteCatalog::GetUser(std::string_view user_id) {
  return InReadTransaction<UserRecord>(*pool_, [&](Db& db) -> Result<UserRecord> {
    auto stmt = db.Prepare(
        "SELECT user_id, email, name, subscription_tier, created_at FROM users WHERE user_id = ?1");
    if (!stmt) return Unexpected(stmt.error());
    auto row = QueryRow(*stmt, {user_id});
    if (!row) return Unexpected(row.error());
    if (!*row) return Unexpected(UserNotFound());
    return UserRecord{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Int64(4)};
  });
}

Status SqliteCatalog::SetUserTier(std::string_view user_id, std::string_view tier) {
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    Status s = Execute(db, "UPDATE users SET subscription_tier = ?2 WHERE user_id = ?1",
                       {user_id, tier});
    if (s && db.Changes() == 0) return Unexpected(UserNotFound());
    return s;
  });
}

// --- totals, versions and readiness ---

Result<StorageTotals> SqliteCatalog::Totals(std::string_view user_id) {
  return InReadTransaction<StorageTotals>(*pool_, [&](Db& db) -> Result<StorageTotals> {
    auto stmt = db.Prepare(
        "SELECT COUNT(*), COALESCE(SUM(i.bytes), 0), COUNT(NULLIF(i.thumbnail_path, '')),"
        " COALESCE(SUM(i.thumbnail_bytes), 0),"
        // The items of a list are separated by spaces: items = spaces + 1.
        " COALESCE(SUM(CASE WHEN i.renditions IS NULL OR i.renditions IN ('', 'pending')"
        " THEN 0 ELSE LENGTH(i.renditions) - LENGTH(REPLACE(i.renditions, ' ', '')) + 1 END), 0),"
        " COALESCE(SUM(i.rendition_bytes), 0)"
        " FROM generations AS g JOIN images AS i ON i.job_id = g.job_id"
        " WHERE g.user_id = ?1 AND g.deleted_at IS NULL");
    if (!stmt) return Unexpected(stmt.error());
    auto row = QueryRow(*stmt, {user_id});
    if (!row) return Unexpected(row.error());
    return StorageTotals{stmt->Int64(0), static_cast<uint64_t>(stmt->Int64(1)), stmt->Int64(2),
                         static_cast<uint64_t>(stmt->Int64(3)), stmt->Int64(4),
                         static_cast<uint64_t>(stmt->Int64(5))};
  });
}

Result<int64_t> SqliteCatalog::UserVersion(std::string_view user_id) {
  // One statement in autocommit mode, which reads one snapshot by itself: every cached list
  // answer checks it, so it skips the BEGIN and COMMIT a read transaction adds.
  auto lease = pool_->Read();
  if (!lease) return Unexpected(lease.error());
  auto stmt = lease->db().Prepare(  // kept by triggers (migrations.cc, version 6)
      "SELECT COALESCE((SELECT version FROM user_versions WHERE user_id = ?1), 0)");
  if (!stmt) return Unexpected(stmt.error());
  auto row = QueryRow(*stmt, {user_id});
  if (!row) return Unexpected(row.error());
  return stmt->Int64(0);
}

Status SqliteCatalog::CheckReady() {
  auto ready = InReadTransaction<bool>(*pool_, [](Db& db) -> Result<bool> {
    auto stmt = db.Prepare("SELECT COUNT(*) FROM schema_migrations");
    if (!stmt) return Unexpected(stmt.error());
    return stmt->Step();
  });
  if (!ready) return Unexpected(ready.error());
  return Ok();
}

}  // namespace noisett::catalog
