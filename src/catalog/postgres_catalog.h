// PostgresCatalog: the Catalog on PostgreSQL, for many `noisett serve` instances sharing one
// database (NOISETT_CATALOG=postgresql://...). The same tables and columns as SqliteCatalog
// (types adapted), versioned migrations that several instances may run at once (a transaction-
// scoped advisory lock serializes them), a bounded connection pool, a statement timeout on every
// connection, and reconnection after the server restarts or drops a connection.
//
// Thread safety: one PostgresCatalog is shared by all threads; each call borrows a connection
// from the pool for its duration and waits (bounded) when all are in use.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "core/result.h"

namespace noisett::catalog {

struct PostgresOptions {
  // A libpq connection URI (postgresql://user:pass@host:port/db?sslmode=...) or key=value
  // string; libpq's PG* environment variables fill in what it leaves out. "postgresql://" alone
  // means "everything from PG*".
  std::string url;
  int pool_size = 8;                 // NOISETT_PG_POOL: connections at most, 1..256
  int statement_timeout_ms = 5000;   // NOISETT_PG_STATEMENT_TIMEOUT_MS, per statement
  std::string environment_password;  // PGPASSWORD, kept out of messages (libpq reads it itself)
  int connect_timeout_s = 5;         // per connection attempt
  int acquire_timeout_ms = 10000;    // how long a call waits for a free pool connection
};

// True for the URLs OpenCatalog sends here: "postgresql://..." and "postgres://...".
bool IsPostgresUrl(std::string_view url);

class PostgresCatalog final : public Catalog {
 public:
  ~PostgresCatalog() override;

  // Connects once (so a wrong URL or password fails here, with libpq's message minus any
  // password), runs the migrations, and keeps that connection in the pool.
  // Errors: kInvalidArgument "bad_catalog_url" (pool size out of range, unparsable URL),
  // kUnavailable "catalog_unavailable" (cannot connect or authenticate), kUnsupported
  // "schema_too_new" (the database was migrated by a newer noisett).
  static Result<std::unique_ptr<PostgresCatalog>> Open(const PostgresOptions& options);

  Status UpsertUser(const UserRecord& user) override;
  Result<UserRecord> GetUser(std::string_view user_id) override;
  Status SetUserTier(std::string_view user_id, std::string_view tier) override;
  Status InsertGeneration(const Generation& generation) override;
  Status AddImage(std::string_view user_id, std::string_view job_id,
                  const ImageRecord& image) override;
  Result<Generation> GetGeneration(std::string_view user_id, std::string_view job_id,
                                   bool include_deleted = false) override;
  Result<GenerationPage> ListGenerations(std::string_view user_id,
                                         const PageRequest& page) override;
  Status SoftDeleteGeneration(std::string_view user_id, std::string_view job_id,
                              int64_t now) override;
  Status RestoreGeneration(std::string_view user_id, std::string_view job_id) override;
  Status PurgeGeneration(std::string_view user_id, std::string_view job_id) override;
  Result<int> RemoveImage(std::string_view user_id, std::string_view job_id,
                          int image_index) override;
  Status SetImageTier(std::string_view user_id, std::string_view job_id, int image_index,
                      std::string_view access_tier) override;
  Status SetRenditions(std::string_view user_id, std::string_view job_id, int image_index,
                       const std::vector<Rendition>& renditions) override;
  Result<std::vector<PendingRendition>> ListPendingRenditions(int64_t created_before,
                                                              int limit) override;
  Status AddFavorite(std::string_view user_id, std::string_view job_id, int image_index,
                     int64_t now) override;
  Status RemoveFavorite(std::string_view user_id, std::string_view job_id,
                        int image_index) override;
  Result<FavoritePage> ListFavorites(std::string_view user_id, const PageRequest& page) override;
  Result<StorageTotals> Totals(std::string_view user_id) override;
  Result<ScanPage> ScanGenerations(std::string_view after, int limit) override;
  Result<int64_t> UserVersion(std::string_view user_id) override;
  Status CheckReady() override;
  JobQueue& jobs() override;

  // "postgresql://HOST:PORT/DB" for logs: never the user's password.
  std::string Describe() const;

 private:
  struct Impl;
  explicit PostgresCatalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace noisett::catalog
