// SqliteCatalog: the Catalog on one SQLite file, the embedded default (sqlite://./data/noisett.db).
// Open creates the file (and its directory) if needed, switches it to WAL, runs the versioned
// migrations (migrations.h) and serves every Catalog call with prepared, parameter-bound SQL
// through a connection pool (sqlite_db.h). Every write is one BEGIN IMMEDIATE transaction; reads
// that span several statements (a page and its count) read one snapshot.
//
// Thread safety: one SqliteCatalog is shared by all threads. Writes queue on the pool's single
// writer connection; reads run in parallel on reader connections beside it. Other processes may
// open the same file: they wait up to sqlite::kBusyTimeoutMs for the write lock, then get
// kUnavailable "catalog_busy".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "catalog/sqlite_db.h"
#include "catalog/sqlite_jobs.h"
#include "core/result.h"

namespace noisett::catalog {

// The file name in "sqlite://FILE": "sqlite://./data/noisett.db" → "./data/noisett.db",
// "sqlite:///var/lib/noisett.db" → "/var/lib/noisett.db", "sqlite://:memory:" → ":memory:".
// Errors: kInvalidArgument "bad_catalog_url" (another scheme, an empty file name, a query string).
Result<std::string> ParseCatalogUrl(std::string_view url);

// The keyset queries behind ListGenerations and ListFavorites (first page and after a cursor),
// exposed so tests and benchmarks can EXPLAIN QUERY PLAN exactly what runs.
extern const char* const kHistoryFirstPageSql;
extern const char* const kHistoryAfterSql;
extern const char* const kFavoritesFirstPageSql;
extern const char* const kFavoritesAfterSql;

class SqliteCatalog final : public Catalog {
 public:
  // Opens (creating if needed) and migrates the database at `path` (a file name or ":memory:").
  // Errors: kUnavailable "catalog_unavailable" (cannot open or create), kUnavailable
  // "catalog_busy", kUnsupported "schema_too_new" (the file was made by a newer noisett).
  static Result<std::unique_ptr<SqliteCatalog>> Open(const std::string& path);

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
  JobQueue& jobs() override { return jobs_; }

 private:
  explicit SqliteCatalog(std::unique_ptr<sqlite::ConnectionPool> pool)
      : pool_(std::move(pool)), jobs_(*pool_) {}

  std::unique_ptr<sqlite::ConnectionPool> pool_;
  SqliteJobQueue jobs_;  // on pool_, declared after it
};

}  // namespace noisett::catalog
