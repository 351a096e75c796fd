// Internal to PostgresCatalog: the PostgreSQL schema, version by version, with the same version
// numbers, tables and columns as the SQLite schema (migrations.cc; types adapted), and the runner
// that applies what is missing. Several instances may start at once: the runner takes a
// transaction-scoped advisory lock first, so one migrates while the others wait, then find
// nothing left to do. A database newer than this build is refused, as on SQLite.
#pragma once

#include <pqxx/connection>

#include <cstdint>
#include <span>

#include "catalog/migrations.h"
#include "catalog/postgres_url.h"
#include "core/result.h"

namespace noisett::catalog::pg {

// The key of pg_advisory_xact_lock that serializes migrations (any constant unlikely to collide
// with another application's advisory locks in the same database: "noisett" in ASCII).
inline constexpr int64_t kMigrationLockKey = 0x6e6f6973657474;

// Every PostgreSQL migration, oldest first; the last one's version equals LatestSchemaVersion().
std::span<const Migration> PostgresMigrations();

// Brings the database (the connection's search_path schema) to the latest version in one
// transaction. Errors: kUnsupported "schema_too_new"; connection and SQL errors as PgError.
Status Migrate(pqxx::connection& connection, const ConnInfo& info, int64_t now);

}  // namespace noisett::catalog::pg
