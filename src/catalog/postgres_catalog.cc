// PostgresCatalog: the Catalog contract in SQL on PostgreSQL, with the semantics of SqliteCatalog
// (sqlite_catalog.cc, sqlite_generations.cc, sqlite_favorites.cc). Ownership checks are part of
// every query (job_id AND user_id), so another user's job is indistinguishable from a missing
// one. Writes that check preconditions hold a row lock on the generation while they check and
// change (FOR UPDATE for AddImage's 8-image limit, FOR SHARE for favorites, so a concurrent soft
// delete or purge waits), and inserts use ON CONFLICT DO NOTHING, so the answers stay right with
// many writers in many processes. Pooling, retries and error mapping are postgres_pool /
// postgres_txn / postgres_errors; the SQL is postgres_statements.cc; the job queue is
// postgres_jobs.cc. The input checks are catalog_validation.h, shared with SqliteCatalog; of
// those, only this catalog runs ValidateText (no NUL in text sent to PostgreSQL).
#include "catalog/postgres_catalog.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include <initializer_list>
#include <optional>

#include "catalog/catalog_errors.h"
#include "catalog/catalog_validation.h"
#include "catalog/cursor.h"
#include "catalog/rendition_column.h"
#include "catalog/postgres_jobs.h"
#include "catalog/postgres_migrations.h"
#include "catalog/postgres_pool.h"
#include "catalog/postgres_rows.h"
#include "catalog/postgres_statements.h"
#include "catalog/postgres_txn.h"
#include "core/clock.h"

namespace noisett::catalog {

using pg::RunTx;
using pg::TxKind;
using Tx = pqxx::transaction_base;

struct PostgresCatalog::Impl {
  explicit Impl(pg::PoolConfig config) : pool(std::move(config)), jobs(pool) {}
  pg::Pool pool;
  PostgresJobQueue jobs;  // on pool, declared after it
};

std::string PostgresCatalog::Describe() const {
  return "postgresql://" + impl_->pool.info().where;
}

namespace {

constexpr int kMaxPoolSize = 256;

Status ValidateOptions(const PostgresOptions& o) {
  auto bad = [](const std::string& why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_catalog_url", why));
  };
  if (o.pool_size < 1 || o.pool_size > kMaxPoolSize) {
    return bad("pool size must be 1.." + std::to_string(kMaxPoolSize) + " (NOISETT_PG_POOL)");
  }
  if (o.statement_timeout_ms < 1) return bad("the statement timeout must be at least 1 ms");
  if (o.connect_timeout_s < 1) return bad("the connect timeout must be at least 1 s");
  if (o.acquire_timeout_ms < 0) return bad("the acquire timeout must not be negative");
  return Ok();
}

std::string S(std::string_view text) { return std::string(text); }

// The user's job, locked as `statement` says (kLockJob / kShareJob); job_not_found when it is
// missing, not theirs, or (live_only) soft-deleted.
Result<pg::JobState> FindJob(Tx& tx, const char* statement, std::string_view user_id,
                             std::string_view job_id, bool live_only) {
  const pqxx::result rows = tx.exec_prepared(statement, S(job_id), S(user_id));
  if (rows.empty()) return Unexpected(JobNotFound());
  pg::JobState job = pg::ReadJobState(rows[0]);
  if (live_only && job.deleted) return Unexpected(JobNotFound());
  return job;
}

// SoftDelete and Restore change only a job that is not yet in the state asked for. When their
// statement changed no row, the job is either already in that state (Ok: both are idempotent) or
// missing / not the user's (job_not_found).
Status ChangedOrAlreadySo(Tx& tx, const pqxx::result& changed, std::string_view user_id,
                          std::string_view job_id) {
  if (changed.affected_rows() > 0) return Ok();
  auto job = FindJob(tx, pg::stmt::kFindJob, user_id, job_id, false);
  return job ? Ok() : Status(Unexpected(job.error()));
}

// kNotFound "image_not_found" unless the job holds an image at `index` (0..7).
Status RequireImage(Tx& tx, std::string_view job_id, int index) {
  if (Status s = ValidateExistingImageIndex(index); !s) return s;
  if (tx.exec_prepared(pg::stmt::kImageExists, S(job_id), index).empty()) {
    return Unexpected(ImageNotFound());
  }
  return Ok();
}

// True if the row went in; false if the index was taken.
bool InsertImage(Tx& tx, std::string_view job_id, const ImageRecord& image) {
  const std::optional<std::string> renditions = RenditionColumn(image);
  return tx.exec_prepared(pg::stmt::kInsertImage, S(job_id), image.index, image.seed,
                          image.blob_path, image.thumbnail_path,
                          static_cast<int64_t>(image.bytes),
                          static_cast<int64_t>(image.thumbnail_bytes), image.width, image.height,
                          image.content_type, image.access_tier, image.thumbhash,
                          renditions ? renditions->c_str() : nullptr,  // nullptr: SQL NULL
                          static_cast<int64_t>(RenditionBytes(image.renditions)))
             .affected_rows() == 1;
}

}  // namespace

PostgresCatalog::PostgresCatalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PostgresCatalog::~PostgresCatalog() = default;

Result<std::unique_ptr<PostgresCatalog>> PostgresCatalog::Open(const PostgresOptions& options) {
  if (Status s = ValidateOptions(options); !s) return Unexpected(s.error());
  auto info = pg::ParseUrl(options.url, options.connect_timeout_s, options.environment_password);
  if (!info) return Unexpected(info.error());
  auto impl = std::make_unique<Impl>(pg::PoolConfig{std::move(*info), options.pool_size,
                                                    options.statement_timeout_ms,
                                                    options.acquire_timeout_ms});
  auto first = impl->pool.Connect();
  if (!first) return Unexpected(first.error());
  Status migrated =
      pg::Migrate(**first, impl->pool.info(), SystemClock::Instance().NowSeconds());
  if (!migrated) return Unexpected(migrated.error());
  impl->pool.Adopt(std::move(*first));
  return std::unique_ptr<PostgresCatalog>(new PostgresCatalog(std::move(impl)));
}

// --- users ---

Status PostgresCatalog::UpsertUser(const UserRecord& user) {
  if (Status s = ValidateText({user.user_id, user.email, user.name, user.subscription_tier}); !s) {
    return s;
  }
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    tx.exec_prepared(pg::stmt::kUpsertUser, user.user_id, user.email, user.name,
                     user.subscription_tier, user.created_at);
    return Ok();
  });
}

Result<UserRecord> PostgresCatalog::GetUser(std::string_view user_id) {
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  return pg::Read<UserRecord>(impl_->pool, [&](Tx& tx) -> Result<UserRecord> {
    const pqxx::result rows = tx.exec_prepared(pg::stmt::kGetUser, S(user_id));
    if (rows.empty()) {
      return Unexpected(UserNotFound());
    }
    const pqxx::row row = rows[0];
    return UserRecord{row[0].as<std::string>(), row[1].as<std::string>(),
                      row[2].as<std::string>(), row[3].as<std::string>(), row[4].as<int64_t>()};
  });
}

Status PostgresCatalog::SetUserTier(std::string_view user_id, std::string_view tier) {
  if (Status s = ValidateText({user_id, tier}); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    if (tx.exec_prepared(pg::stmt::kSetUserTier, S(user_id), S(tier)).affected_rows() == 0) {
      return Unexpected(UserNotFound());
    }
    return Ok();
  });
}

// --- generations and images ---

Status PostgresCatalog::InsertGeneration(const Generation& g) {
  if (Status s = ValidateNewImages(g.images, NulText::kRefused); !s) return s;
  if (Status s = ValidateText({g.job_id, g.user_id, g.prompt, g.asset_type, g.quality, g.model});
      !s) {
    return s;
  }
  const std::string deleted_text = g.deleted_at ? std::to_string(*g.deleted_at) : "";
  const char* deleted_at = g.deleted_at ? deleted_text.c_str() : nullptr;  // nullptr: SQL NULL
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    const pqxx::result inserted = tx.exec_prepared(
        pg::stmt::kInsertGeneration, g.job_id, g.user_id, g.prompt, g.asset_type, g.quality,
        g.model, g.created_at, static_cast<int>(g.images.size()), deleted_at);
    if (inserted.affected_rows() == 0) return Unexpected(JobExists());
    for (const ImageRecord& image : g.images) InsertImage(tx, g.job_id, image);
    return Ok();
  });
}

Status PostgresCatalog::AddImage(std::string_view user_id, std::string_view job_id,
                                 const ImageRecord& image) {
  if (Status s = ValidateText({user_id, job_id, image.blob_path, image.thumbnail_path,
                               image.content_type, image.thumbhash});
      !s) {
    return s;
  }
  if (Status s = ValidateAccessTier(image.access_tier); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    // FOR UPDATE: concurrent AddImage calls on this job queue here, so the count they check is
    // the count they change.
    auto job = FindJob(tx, pg::stmt::kLockJob, user_id, job_id, true);
    if (!job) return Unexpected(job.error());
    if (job->image_count >= kMaxImagesPerJob) return Unexpected(JobFull());
    if (Status s = ValidateNewImageIndex(image.index); !s) return s;
    if (!InsertImage(tx, job_id, image)) return Unexpected(ImageIndexTaken());
    tx.exec_prepared(pg::stmt::kBumpImageCount, S(job_id));
    return Ok();
  });
}

Result<Generation> PostgresCatalog::GetGeneration(std::string_view user_id,
                                                  std::string_view job_id, bool include_deleted) {
  if (Status s = ValidateText({user_id, job_id}); !s) return Unexpected(s.error());
  return pg::Read<Generation>(impl_->pool, [&](Tx& tx) -> Result<Generation> {
    std::vector<Generation> found = pg::ReadGenerations(
        tx.exec_prepared(pg::stmt::kGetGeneration, S(job_id), S(user_id)), 0);
    if (found.empty()) return Unexpected(JobNotFound());
    if (found[0].deleted_at && !include_deleted) return Unexpected(JobNotFound());
    return std::move(found[0]);
  });
}

Result<GenerationPage> PostgresCatalog::ListGenerations(std::string_view user_id,
                                                        const PageRequest& page) {
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  auto after = DecodePageCursor(CursorKind::kHistory, page);
  if (!after) return Unexpected(after.error());
  // One row more than asked tells whether another page follows.
  const int64_t fetch = page.limit + 1;
  return pg::Read<GenerationPage>(impl_->pool, [&](Tx& tx) -> Result<GenerationPage> {
    const pqxx::result rows =
        *after ? tx.exec_prepared(pg::stmt::kHistoryAfter, S(user_id), fetch,
                                  (*after)->created_at, (*after)->job_id)
               : tx.exec_prepared(pg::stmt::kHistoryFirst, S(user_id), fetch);
    GenerationPage out;
    out.total_count = rows[0][0].as<int64_t>();
    out.items = pg::ReadGenerations(rows, 1);
    out.next_cursor = EndHistoryPage(out.items, page.limit);
    return out;
  });
}

// --- soft delete, restore, purge ---

Status PostgresCatalog::SoftDeleteGeneration(std::string_view user_id, std::string_view job_id,
                                             int64_t now) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    // Only a live job changes: deleting twice keeps the first deleted_at, so a repeat cannot
    // stretch the restore window.
    return ChangedOrAlreadySo(
        tx, tx.exec_prepared(pg::stmt::kSoftDelete, S(job_id), S(user_id), now), user_id, job_id);
  });
}

Status PostgresCatalog::RestoreGeneration(std::string_view user_id, std::string_view job_id) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    return ChangedOrAlreadySo(tx, tx.exec_prepared(pg::stmt::kRestore, S(job_id), S(user_id)),
                              user_id, job_id);
  });
}

Status PostgresCatalog::PurgeGeneration(std::string_view user_id, std::string_view job_id) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    if (tx.exec_prepared(pg::stmt::kPurge, S(job_id), S(user_id)).affected_rows() == 0) {
      return Unexpected(JobNotFound());
    }
    return Ok();
  });
}

// --- retention and tiers ---

Result<int> PostgresCatalog::RemoveImage(std::string_view user_id, std::string_view job_id,
                                         int image_index) {
  if (Status s = ValidateText({user_id, job_id}); !s) return Unexpected(s.error());
  int left = 0;
  Status done = RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    // FOR UPDATE, live or soft-deleted: AddImage and favorite changes on this job wait, so the
    // count written back is the count there is.
    auto job = FindJob(tx, pg::stmt::kLockJob, user_id, job_id, false);
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(tx, job_id, image_index); !s) return s;
    tx.exec_prepared(pg::stmt::kDeleteImage, S(job_id), image_index);
    left = job->image_count - 1;
    tx.exec_prepared(pg::stmt::kSetImageCount, S(job_id), left);
    return Ok();
  });
  if (!done) return Unexpected(done.error());
  return left;
}

Status PostgresCatalog::SetImageTier(std::string_view user_id, std::string_view job_id,
                                     int image_index, std::string_view access_tier) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  if (Status s = ValidateAccessTier(access_tier); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    // FOR SHARE: a purge or RemoveImage of this job waits, so a found image stays found.
    auto job = FindJob(tx, pg::stmt::kShareJob, user_id, job_id, false);
    if (!job) return Unexpected(job.error());
    if (Status s = ValidateExistingImageIndex(image_index); !s) return s;
    if (tx.exec_prepared(pg::stmt::kSetImageTier, S(job_id), image_index, S(access_tier))
            .affected_rows() == 0) {
      return Unexpected(ImageNotFound());
    }
    return Ok();
  });
}

Status PostgresCatalog::SetRenditions(std::string_view user_id, std::string_view job_id,
                                      int image_index, const std::vector<Rendition>& renditions) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  if (Status s = ValidateRenditions(renditions); !s) return s;
  const std::string text = RenditionListText(renditions);
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    // FOR SHARE on a live job: a soft delete or purge waits until this write is in.
    auto job = FindJob(tx, pg::stmt::kShareJob, user_id, job_id, true);
    if (!job) return Unexpected(job.error());
    if (Status s = ValidateExistingImageIndex(image_index); !s) return s;
    if (tx.exec_prepared(pg::stmt::kSetRenditions, S(job_id), image_index, text,
                         static_cast<int64_t>(RenditionBytes(renditions)))
            .affected_rows() == 0) {
      return Unexpected(ImageNotFound());
    }
    return Ok();
  });
}

Result<std::vector<PendingRendition>> PostgresCatalog::ListPendingRenditions(
    int64_t created_before, int limit) {
  if (Status s = ValidateScanLimit(limit); !s) return Unexpected(s.error());
  using Out = std::vector<PendingRendition>;
  return pg::Read<Out>(impl_->pool, [&](Tx& tx) -> Result<Out> {
    Out out;
    for (const pqxx::row& row :
         tx.exec_prepared(pg::stmt::kPendingRenditions, created_before, limit)) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>(),
                     row[3].as<std::string>(), row[4].as<int64_t>()});
    }
    return out;
  });
}

// --- favorites ---

Status PostgresCatalog::AddFavorite(std::string_view user_id, std::string_view job_id,
                                    int image_index, int64_t now) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    // FOR SHARE: a soft delete or purge of the job waits until this favorite is in.
    auto job = FindJob(tx, pg::stmt::kShareJob, user_id, job_id, true);
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(tx, job_id, image_index); !s) return s;
    tx.exec_prepared(pg::stmt::kAddFavorite, S(user_id), S(job_id), image_index, now);
    return Ok();
  });
}

Status PostgresCatalog::RemoveFavorite(std::string_view user_id, std::string_view job_id,
                                       int image_index) {
  if (Status s = ValidateText({user_id, job_id}); !s) return s;
  return RunTx(impl_->pool, TxKind::kWrite, [&](Tx& tx) -> Status {
    auto job = FindJob(tx, pg::stmt::kShareJob, user_id, job_id, true);
    if (!job) return Unexpected(job.error());
    if (Status s = RequireImage(tx, job_id, image_index); !s) return s;
    tx.exec_prepared(pg::stmt::kRemoveFavorite, S(user_id), S(job_id), image_index);
    return Ok();
  });
}

Result<FavoritePage> PostgresCatalog::ListFavorites(std::string_view user_id,
                                                    const PageRequest& page) {
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  auto after = DecodePageCursor(CursorKind::kFavorites, page);
  if (!after) return Unexpected(after.error());
  const int64_t fetch = page.limit + 1;
  return pg::Read<FavoritePage>(impl_->pool, [&](Tx& tx) -> Result<FavoritePage> {
    const pqxx::result rows =
        *after ? tx.exec_prepared(pg::stmt::kFavoritesAfter, S(user_id), fetch,
                                  (*after)->created_at, (*after)->job_id, (*after)->image_index)
               : tx.exec_prepared(pg::stmt::kFavoritesFirst, S(user_id), fetch);
    FavoritePage out;
    out.total_count = rows[0][0].as<int64_t>();
    for (const pqxx::row& row : rows) {
      if (row[1].is_null()) continue;  // the count row of an empty page
      out.items.push_back(Favorite{row[1].as<std::string>(), row[2].as<int>(),
                                   row[3].as<int64_t>(), row[4].as<std::string>(),
                                   pg::ReadImage(row, 5)});
    }
    out.next_cursor = EndFavoritesPage(out.items, page.limit);
    return out;
  });
}

// --- totals, scans, versions and readiness ---

Result<StorageTotals> PostgresCatalog::Totals(std::string_view user_id) {
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  return pg::Read<StorageTotals>(impl_->pool, [&](Tx& tx) -> Result<StorageTotals> {
    const pqxx::row row = tx.exec_prepared(pg::stmt::kTotals, S(user_id))[0];
    return StorageTotals{row[0].as<int64_t>(), static_cast<uint64_t>(row[1].as<int64_t>()),
                         row[2].as<int64_t>(), static_cast<uint64_t>(row[3].as<int64_t>()),
                         row[4].as<int64_t>(), static_cast<uint64_t>(row[5].as<int64_t>())};
  });
}

Result<ScanPage> PostgresCatalog::ScanGenerations(std::string_view after, int limit) {
  if (Status s = ValidateScanLimit(limit); !s) return Unexpected(s.error());
  if (Status s = ValidateText({after}); !s) return Unexpected(s.error());
  return pg::Read<ScanPage>(impl_->pool, [&](Tx& tx) -> Result<ScanPage> {
    ScanPage out;
    out.items = pg::ReadGenerations(tx.exec_prepared(pg::stmt::kScan, S(after), limit), 0);
    if (out.items.size() == static_cast<size_t>(limit)) out.next_after = out.items.back().job_id;
    return out;
  });
}

Result<int64_t> PostgresCatalog::UserVersion(std::string_view user_id) {
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  return pg::Read<int64_t>(impl_->pool, [&](Tx& tx) -> Result<int64_t> {
    return tx.exec_prepared(pg::stmt::kUserVersion, S(user_id))[0][0].as<int64_t>();
  });
}

JobQueue& PostgresCatalog::jobs() { return impl_->jobs; }

Status PostgresCatalog::CheckReady() {
  return RunTx(impl_->pool, TxKind::kRead, [](Tx& tx) -> Status {
    tx.exec_prepared(pg::stmt::kReady);
    return Ok();
  });
}

}  // namespace noisett::catalog
