// SqliteCatalog: the Catalog contract in SQL. Ownership checks are part of every query
// (WHERE job_id = ? AND user_id = ?), so another user's job is indistinguishable from a missing
// one. Each write checks its preconditions and changes rows inside one BEGIN IMMEDIATE
// transaction, so the checks cannot race with other writers. The input checks both catalogs run
// are catalog_validation.h, the errors they share catalog_errors.h.
#include "catalog/sqlite_catalog.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include "catalog/catalog_errors.h"
#include "catalog/catalog_validation.h"
#include "catalog/cursor.h"
#include "catalog/migrations.h"
#include "core/clock.h"

namespace noisett::catalog {

using sqlite::ConnectionPool;
using sqlite::Db;
using sqlite::Statement;
using sqlite::Transaction;

// SQL is laid out by hand, one clause per line.
// clang-format off
#define NOISETT_GENERATION_COLUMNS \
  "job_id, user_id, prompt, asset_type, quality, model, created_at, deleted_at"

const char* const kHistoryFirstPageSql =
    "SELECT " NOISETT_GENERATION_COLUMNS
    " FROM generations WHERE user_id = ?1 AND deleted_at IS NULL"
    " ORDER BY created_at DESC, job_id DESC LIMIT ?2";
const char* const kHistoryAfterSql =
    "SELECT " NOISETT_GENERATION_COLUMNS
    " FROM generations WHERE user_id = ?1 AND deleted_at IS NULL"
    " AND (created_at, job_id) < (?2, ?3)"
    " ORDER BY created_at DESC, job_id DESC LIMIT ?4";

// An images row aliased i, as ReadImage reads it; the favorite flag follows it.
#define NOISETT_IMAGE_COLUMNS \
  "i.image_index, i.seed, i.blob_path, i.thumbnail_path, i.bytes, i.thumbnail_bytes, i.width," \
  " i.height, i.content_type, i.access_tier"

// Each favorite comes with its image (favorite flag 1: it is one), so a page is one query.
#define NOISETT_FAVORITES_FROM \
  "SELECT f.job_id, f.image_index, f.created_at, g.prompt, " NOISETT_IMAGE_COLUMNS ", 1" \
  " FROM favorites AS f" \
  " JOIN generations AS g ON g.job_id = f.job_id" \
  " JOIN images AS i ON i.job_id = f.job_id AND i.image_index = f.image_index" \
  " WHERE f.user_id = ?1 AND g.deleted_at IS NULL"

const char* const kFavoritesFirstPageSql =
    NOISETT_FAVORITES_FROM
    " ORDER BY f.created_at DESC, f.job_id DESC, f.image_index DESC LIMIT ?2";
const char* const kFavoritesAfterSql =
    NOISETT_FAVORITES_FROM
    " AND (f.created_at, f.job_id, f.image_index) < (?2, ?3, ?4)"
    " ORDER BY f.created_at DESC, f.job_id DESC, f.image_index DESC LIMIT ?5";
// clang-format on

namespace {

// Runs `fn(db)` inside a write transaction on the writer connection; commits if it succeeds.
template <typename Fn>
Status InWriteTransaction(ConnectionPool& pool, Fn&& fn) {
  auto lease = pool.Write();
  auto txn = Transaction::Begin(lease.db(), Transaction::Kind::kWrite);
  if (!txn) return Unexpected(txn.error());
  if (Status s = fn(lease.db()); !s) return s;
  return txn->Commit();
}

// Runs `fn(db)` inside a read transaction (one snapshot) on a reader connection.
template <typename T, typename Fn>
Result<T> InReadTransaction(ConnectionPool& pool, Fn&& fn) {
  auto lease = pool.Read();
  if (!lease) return Unexpected(lease.error());
  auto txn = Transaction::Begin(lease->db(), Transaction::Kind::kRead);
  if (!txn) return Unexpected(txn.error());
  return fn(lease->db());
}

// Prepares `sql`, binds `values` and steps once: true if a row came back.
Result<bool> QueryRow(Statement& stmt, std::initializer_list<sqlite::Value> values) {
  if (Status s = stmt.Bind(values); !s) return Unexpected(s.error());
  return stmt.Step();
}

Status Execute(Db& db, std::string_view sql, std::initializer_list<sqlite::Value> values) {
  auto stmt = db.Prepare(sql);
  if (!stmt) return Unexpected(stmt.error());
  if (Status s = stmt->Bind(values); !s) return s;
  return stmt->Run();
}

struct JobState {
  int image_count = 0;
  bool deleted = false;
};

// The user's job, live or deleted; kNotFound "job_not_found" when it is missing or not theirs.
Result<JobState> FindJob(Db& db, std::string_view user_id, std::string_view job_id) {
  auto stmt = db.Prepare(
      "SELECT image_count, deleted_at FROM generations WHERE job_id = ?1 AND user_id = ?2");
  if (!stmt) return Unexpected(stmt.error());
  auto row = QueryRow(*stmt, {job_id, user_id});
  if (!row) return Unexpected(row.error());
  if (!*row) return Unexpected(JobNotFound());
  return JobState{static_cast<int>(stmt->Int64(0)), !stmt->IsNull(1)};
}

// The user's live job; a soft-deleted job is answered like a missing one.
Result<JobState> FindLiveJob(Db& db, std::string_view user_id, std::string_view job_id) {
  auto job = FindJob(db, user_id, job_id);
  if (job && job->deleted) return Unexpected(JobNotFound());
  return job;
}

Result<bool> ImageExists(Db& db, std::string_view job_id, int index) {
  auto stmt = db.Prepare("SELECT 1 FROM images WHERE job_id = ?1 AND image_index = ?2");
  if (!stmt) return Unexpected(stmt.error());
  return QueryRow(*stmt, {job_id, int64_t{index}});
}

// kNotFound "image_not_found" unless the job holds an image at `index` (0..7).
Status RequireImage(Db& db, std::string_view job_id, int index) {
  if (Status s = ValidateExistingImageIndex(index); !s) return s;
  auto exists = ImageExists(db, job_id, index);
  if (!exists) return Unexpected(exists.error());
  if (!*exists) return Unexpected(ImageNotFound());
  return Ok();
}

Status InsertImage(Db& db, std::string_view job_id, const ImageRecord& image) {
  return Execute(db,
                 "INSERT INTO images (job_id, image_index, seed, blob_path, thumbnail_path, bytes,"
                 " thumbnail_bytes, width, height, content_type, access_tier)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                 {job_id, int64_t{image.index}, image.seed, image.blob_path, image.thumbnail_path,
                  static_cast<int64_t>(image.bytes), static_cast<int64_t>(image.thumbnail_bytes),
                  int64_t{image.width}, int64_t{image.height}, image.content_type,
                  image.access_tier});
}

// An image from NOISETT_IMAGE_COLUMNS and the favorite flag, starting at column `c`.
ImageRecord ReadImage(const Statement& stmt, int c) {
  return ImageRecord{static_cast<int>(stmt.Int64(c)),
                     stmt.Int64(c + 1),
                     stmt.Text(c + 2),
                     stmt.Text(c + 3),
                     static_cast<uint64_t>(stmt.Int64(c + 4)),
                     static_cast<uint64_t>(stmt.Int64(c + 5)),
                     static_cast<int>(stmt.Int64(c + 6)),
                     static_cast<int>(stmt.Int64(c + 7)),
                     stmt.Text(c + 8),
                     stmt.Text(c + 9),
                     stmt.Int64(c + 10) != 0};
}

Result<std::vector<ImageRecord>> LoadImages(Db& db, std::string_view job_id) {
  auto stmt = db.Prepare(
      "SELECT " NOISETT_IMAGE_COLUMNS ", EXISTS (SELECT 1 FROM favorites AS f WHERE f.job_id ="
      " i.job_id AND f.image_index = i.image_index) FROM images AS i WHERE i.job_id = ?1"
      " ORDER BY i.image_index");
  if (!stmt) return Unexpected(stmt.error());
  if (Status s = stmt->Bind({job_id}); !s) return Unexpected(s.error());
  std::vector<ImageRecord> images;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Unexpected(row.error());
    if (!*row) return images;
    images.push_back(ReadImage(*stmt, 0));
  }
}

// A generation (without images) from a row of NOISETT_GENERATION_COLUMNS.
Generation ReadGeneration(const Statement& stmt) {
  Generation g;
  g.job_id = stmt.Text(0);
  g.user_id = stmt.Text(1);
  g.prompt = stmt.Text(2);
  g.asset_type = stmt.Text(3);
  g.quality = stmt.Text(4);
  g.model = stmt.Text(5);
  g.created_at = stmt.Int64(6);
  if (!stmt.IsNull(7)) g.deleted_at = stmt.Int64(7);
  return g;
}

Result<int64_t> CountRows(Db& db, std::string_view sql, std::string_view user_id) {
  auto stmt = db.Prepare(sql);
  if (!stmt) return Unexpected(stmt.error());
  auto row = QueryRow(*stmt, {user_id});
  if (!row) return Unexpected(row.error());
  return stmt->Int64(0);
}

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

// --- generations and images ---

Status SqliteCatalog::InsertGeneration(const Generation& g) {
  if (Status s = ValidateNewImages(g.images, NulText::kAllowed); !s) return s;
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto exists = db.Prepare("SELECT 1 FROM generations WHERE job_id = ?1");
    if (!exists) return Unexpected(exists.error());
    auto row = QueryRow(*exists, {g.job_id});
    if (!row) return Unexpected(row.error());
    if (*row) return Unexpected(JobExists());
    sqlite::Value deleted_at = nullptr;
    if (g.deleted_at) deleted_at = *g.deleted_at;
    Status s = Execute(db,
                       "INSERT INTO generations (job_id, user_id, prompt, asset_type, quality,"
                       " model, created_at, image_count, deleted_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       {g.job_id, g.user_id, g.prompt, g.asset_type, g.quality, g.model,
                        g.created_at, static_cast<int64_t>(g.images.size()), deleted_at});
    for (const ImageRecord& image : g.images) {
      if (!s) break;
      s = InsertImage(db, g.job_id, image);
    }
    return s;
  });
}

Status SqliteCatalog::AddImage(std::string_view user_id, std::string_view job_id,
                               const ImageRecord& image) {
  if (Status s = ValidateAccessTier(image.access_tier); !s) return s;
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindLiveJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    if (job->image_count >= kMaxImagesPerJob) return Unexpected(JobFull());
    if (Status s = ValidateNewImageIndex(image.index); !s) return s;
    auto exists = ImageExists(db, job_id, image.index);
    if (!exists) return Unexpected(exists.error());
    if (*exists) return Unexpected(ImageIndexTaken());
    if (Status s = InsertImage(db, job_id, image); !s) return s;
    return Execute(db, "UPDATE generations SET image_count = image_count + 1 WHERE job_id = ?1",
                   {job_id});
  });
}

Result<Generation> SqliteCatalog::GetGeneration(std::string_view user_id, std::string_view job_id,
                                                bool include_deleted) {
  return InReadTransaction<Generation>(*pool_, [&](Db& db) -> Result<Generation> {
    auto stmt = db.Prepare("SELECT " NOISETT_GENERATION_COLUMNS
                           " FROM generations WHERE job_id = ?1 AND user_id = ?2");
    if (!stmt) return Unexpected(stmt.error());
    auto row = QueryRow(*stmt, {job_id, user_id});
    if (!row) return Unexpected(row.error());
    if (!*row) return Unexpected(JobNotFound());
    Generation g = ReadGeneration(*stmt);
    if (g.deleted_at && !include_deleted) return Unexpected(JobNotFound());
    auto images = LoadImages(db, job_id);
    if (!images) return Unexpected(images.error());
    g.images = std::move(*images);
    return g;
  });
}

Result<GenerationPage> SqliteCatalog::ListGenerations(std::string_view user_id,
                                                      const PageRequest& page) {
  auto after = DecodePageCursor(CursorKind::kHistory, page);
  if (!after) return Unexpected(after.error());
  return InReadTransaction<GenerationPage>(*pool_, [&](Db& db) -> Result<GenerationPage> {
    GenerationPage out;
    auto count = CountRows(  // kept by triggers (migrations.cc, version 2)
        db, "SELECT COALESCE((SELECT live_jobs FROM user_job_counts WHERE user_id = ?1), 0)",
        user_id);
    if (!count) return Unexpected(count.error());
    out.total_count = *count;
    // One row more than asked tells whether another page follows.
    const int64_t fetch = page.limit + 1;
    auto stmt = db.Prepare(*after ? kHistoryAfterSql : kHistoryFirstPageSql);
    if (!stmt) return Unexpected(stmt.error());
    Status bound = *after ? stmt->Bind({user_id, (*after)->created_at, (*after)->job_id, fetch})
                          : stmt->Bind({user_id, fetch});
    if (!bound) return Unexpected(bound.error());
    while (true) {
      auto row = stmt->Step();
      if (!row) return Unexpected(row.error());
      if (!*row) break;
      out.items.push_back(ReadGeneration(*stmt));
    }
    out.next_cursor = EndHistoryPage(out.items, page.limit);
    for (Generation& g : out.items) {
      auto images = LoadImages(db, g.job_id);
      if (!images) return Unexpected(images.error());
      g.images = std::move(*images);
    }
    return out;
  });
}

// --- soft delete, restore, purge ---

Status SqliteCatalog::SoftDeleteGeneration(std::string_view user_id, std::string_view job_id,
                                           int64_t now) {
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    // Deleting twice keeps the first deleted_at, so a repeat cannot stretch the restore window.
    if (job->deleted) return Ok();
    return Execute(db, "UPDATE generations SET deleted_at = ?2 WHERE job_id = ?1", {job_id, now});
  });
}

Status SqliteCatalog::RestoreGeneration(std::string_view user_id, std::string_view job_id) {
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    if (!job->deleted) return Ok();
    return Execute(db, "UPDATE generations SET deleted_at = NULL WHERE job_id = ?1", {job_id});
  });
}

Status SqliteCatalog::PurgeGeneration(std::string_view user_id, std::string_view job_id) {
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    // Images and favorites go with it (ON DELETE CASCADE).
    Status s = Execute(db, "DELETE FROM generations WHERE job_id = ?1 AND user_id = ?2",
                       {job_id, user_id});
    if (s && db.Changes() == 0) return Unexpected(JobNotFound());
    return s;
  });
}

// --- retention and tiers ---

Result<int> SqliteCatalog::RemoveImage(std::string_view user_id, std::string_view job_id,
                                       int image_index) {
  int left = 0;
  Status done = InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindJob(db, user_id, job_id);  // live or soft-deleted: retention sees both
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(db, job_id, image_index); !s) return s;
    // The image's favorites go with it (ON DELETE CASCADE); the job row stays for the caller.
    if (Status s = Execute(db, "DELETE FROM images WHERE job_id = ?1 AND image_index = ?2",
                           {job_id, int64_t{image_index}});
        !s) {
      return s;
    }
    left = job->image_count - 1;
    return Execute(db, "UPDATE generations SET image_count = ?2 WHERE job_id = ?1",
                   {job_id, int64_t{left}});
  });
  if (!done) return Unexpected(done.error());
  return left;
}

Status SqliteCatalog::SetImageTier(std::string_view user_id, std::string_view job_id,
                                   int image_index, std::string_view access_tier) {
  if (Status s = ValidateAccessTier(access_tier); !s) return s;
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(db, job_id, image_index); !s) return s;
    return Execute(db,
                   "UPDATE images SET access_tier = ?3 WHERE job_id = ?1 AND image_index = ?2",
                   {job_id, int64_t{image_index}, access_tier});
  });
}

// --- favorites ---

Status SqliteCatalog::AddFavorite(std::string_view user_id, std::string_view job_id,
                                  int image_index, int64_t now) {
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindLiveJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(db, job_id, image_index); !s) return s;
    // A repeat keeps the first created_at: the favorite's place in the list does not jump.
    return Execute(db,
                   "INSERT INTO favorites (user_id, job_id, image_index, created_at)"
                   " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                   {user_id, job_id, int64_t{image_index}, now});
  });
}

Status SqliteCatalog::RemoveFavorite(std::string_view user_id, std::string_view job_id,
                                     int image_index) {
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    auto job = FindLiveJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(db, job_id, image_index); !s) return s;
    return Execute(db,
                   "DELETE FROM favorites WHERE user_id = ?1 AND job_id = ?2 AND image_index = ?3",
                   {user_id, job_id, int64_t{image_index}});
  });
}

Result<FavoritePage> SqliteCatalog::ListFavorites(std::string_view user_id,
                                                  const PageRequest& page) {
  auto after = DecodePageCursor(CursorKind::kFavorites, page);
  if (!after) return Unexpected(after.error());
  return InReadTransaction<FavoritePage>(*pool_, [&](Db& db) -> Result<FavoritePage> {
    FavoritePage out;
    auto count = CountRows(db,
                           "SELECT COUNT(*) FROM favorites AS f JOIN generations AS g"
                           " ON g.job_id = f.job_id WHERE f.user_id = ?1 AND g.deleted_at IS NULL",
                           user_id);
    if (!count) return Unexpected(count.error());
    out.total_count = *count;
    const int64_t fetch = page.limit + 1;
    auto stmt = db.Prepare(*after ? kFavoritesAfterSql : kFavoritesFirstPageSql);
    if (!stmt) return Unexpected(stmt.error());
    Status bound = *after ? stmt->Bind({user_id, (*after)->created_at, (*after)->job_id,
                                        int64_t{(*after)->image_index}, fetch})
                          : stmt->Bind({user_id, fetch});
    if (!bound) return Unexpected(bound.error());
    while (true) {
      auto row = stmt->Step();
      if (!row) return Unexpected(row.error());
      if (!*row) break;
      out.items.push_back(Favorite{stmt->Text(0), static_cast<int>(stmt->Int64(1)),
                                   stmt->Int64(2), stmt->Text(3), ReadImage(*stmt, 4)});
    }
    out.next_cursor = EndFavoritesPage(out.items, page.limit);
    return out;
  });
}

// --- totals and readiness ---

Result<StorageTotals> SqliteCatalog::Totals(std::string_view user_id) {
  return InReadTransaction<StorageTotals>(*pool_, [&](Db& db) -> Result<StorageTotals> {
    auto stmt = db.Prepare(
        "SELECT COUNT(*), COALESCE(SUM(i.bytes), 0), COUNT(NULLIF(i.thumbnail_path, '')),"
        " COALESCE(SUM(i.thumbnail_bytes), 0)"
        " FROM generations AS g JOIN images AS i ON i.job_id = g.job_id"
        " WHERE g.user_id = ?1 AND g.deleted_at IS NULL");
    if (!stmt) return Unexpected(stmt.error());
    auto row = QueryRow(*stmt, {user_id});
    if (!row) return Unexpected(row.error());
    return StorageTotals{stmt->Int64(0), static_cast<uint64_t>(stmt->Int64(1)), stmt->Int64(2),
                         static_cast<uint64_t>(stmt->Int64(3))};
  });
}

// --- operator scans ---

Result<ScanPage> SqliteCatalog::ScanGenerations(std::string_view after, int limit) {
  if (Status s = ValidateScanLimit(limit); !s) return Unexpected(s.error());
  return InReadTransaction<ScanPage>(*pool_, [&](Db& db) -> Result<ScanPage> {
    auto stmt = db.Prepare("SELECT " NOISETT_GENERATION_COLUMNS
                           " FROM generations WHERE job_id > ?1 ORDER BY job_id LIMIT ?2");
    if (!stmt) return Unexpected(stmt.error());
    if (Status s = stmt->Bind({after, int64_t{limit}}); !s) return Unexpected(s.error());
    ScanPage out;
    while (true) {
      auto row = stmt->Step();
      if (!row) return Unexpected(row.error());
      if (!*row) break;
      out.items.push_back(ReadGeneration(*stmt));
    }
    for (Generation& g : out.items) {
      auto images = LoadImages(db, g.job_id);
      if (!images) return Unexpected(images.error());
      g.images = std::move(*images);
    }
    if (out.items.size() == static_cast<size_t>(limit)) out.next_after = out.items.back().job_id;
    return out;
  });
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
