// Versioned schema migrations, kept in code so the binary always carries the schema it expects.
// Each migration runs once, in order, inside one write transaction, and is recorded in the
// schema_migrations table (version, name, applied_at). A database already at a newer version than
// this build knows is refused rather than guessed at. The SQL of each version never changes once
// released: a change is a new version.
#pragma once

#include <cstdint>
#include <span>

#include "catalog/sqlite_db.h"
#include "core/result.h"

namespace noisett::catalog {

struct Migration {
  int version;       // 1, 2, ... without gaps
  const char* name;  // "init"
  const char* sql;   // constant DDL; no values
};

// Every migration this build knows, oldest first.
std::span<const Migration> SqliteMigrations();

// The newest version in SqliteMigrations().
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion() in one BEGIN IMMEDIATE transaction, so concurrent
// openers (other processes) wait for each other and a failed step leaves no half-made schema.
// Idempotent: a database already at the latest version is left untouched.
// Errors: kUnsupported "schema_too_new" when the database is newer than this build; SQLite errors
// (kUnavailable "catalog_busy" / "catalog_unavailable", kInternal) otherwise. `now` is recorded.
Status MigrateSqlite(sqlite::Db& db, int64_t now);

// kUnsupported "schema_too_new": a database at `version` is newer than this build knows (both
// catalogs refuse it the same way).
Error SchemaTooNew(int version);

// The highest applied version; 0 for a database that was never migrated.
Result<int> SqliteSchemaVersion(sqlite::Db& db);

}  // namespace noisett::catalog
