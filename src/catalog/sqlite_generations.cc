// SqliteCatalog's calls on generations and their images: insert, add an image, get, the history
// list, soft delete / restore / purge, retention's RemoveImage, SetImageTier and the operator
// scan. The history list (history.list's ListGenerations) is the hot read: one count lookup, one
// keyset query and one image query per job on the page, in one snapshot.
//
// Favorites are sqlite_favorites.cc; opening, users and totals sqlite_catalog.cc; the
// transaction runners sqlite_txn.h; image columns and job lookups sqlite_rows.h.
#include <utility>

#include "catalog/catalog_errors.h"
#include "catalog/catalog_validation.h"
#include "catalog/cursor.h"
#include "catalog/rendition_column.h"
#include "catalog/sqlite_catalog.h"
#include "catalog/sqlite_rows.h"
#include "catalog/sqlite_txn.h"

namespace noisett::catalog {

using sqlite::CountRows;
using sqlite::Db;
using sqlite::Execute;
using sqlite::FindJob;
using sqlite::FindLiveJob;
using sqlite::ImageExists;
using sqlite::InReadTransaction;
using sqlite::InWriteTransaction;
using sqlite::QueryRow;
using sqlite::ReadImage;
using sqlite::RequireImage;
using sqlite::Statement;

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
// clang-format on

namespace {

Status InsertImage(Db& db, std::string_view job_id, const ImageRecord& image) {
  const std::optional<std::string> renditions = RenditionColumn(image);
  sqlite::Value renditions_value = nullptr;
  if (renditions) renditions_value = std::string_view(*renditions);
  return Execute(
      db,
      "INSERT INTO images (job_id, image_index, seed, blob_path, thumbnail_path, bytes,"
      " thumbnail_bytes, width, height, content_type, access_tier, thumbhash, renditions,"
      " rendition_bytes)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
      {job_id, int64_t{image.index}, image.seed, image.blob_path, image.thumbnail_path,
       static_cast<int64_t>(image.bytes), static_cast<int64_t>(image.thumbnail_bytes),
       int64_t{image.width}, int64_t{image.height}, image.content_type, image.access_tier,
       image.thumbhash, renditions_value, static_cast<int64_t>(RenditionBytes(image.renditions))});
}

Result<std::vector<ImageRecord>> LoadImages(Db& db, std::string_view job_id) {
  auto stmt =
      db.Prepare("SELECT " NOISETT_IMAGE_COLUMNS
                 ", EXISTS (SELECT 1 FROM favorites AS f WHERE f.job_id ="
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

// Fills each generation's images (one query per generation, in the caller's snapshot).
Status LoadAllImages(Db& db, std::vector<Generation>& generations) {
  for (Generation& g : generations) {
    auto images = LoadImages(db, g.job_id);
    if (!images) return Unexpected(images.error());
    g.images = std::move(*images);
  }
  return Ok();
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

// Steps a bound statement of NOISETT_GENERATION_COLUMNS to the end, appending each generation.
Status ReadAllGenerations(Statement& stmt, std::vector<Generation>& out) {
  while (true) {
    auto row = stmt.Step();
    if (!row) return Unexpected(row.error());
    if (!*row) return Ok();
    out.push_back(ReadGeneration(stmt));
  }
}

}  // namespace

// --- generations and images ---

Status SqliteCatalog::InsertGeneration(const Generation& g) {
  if (Status s = ValidateNewImages(g.images, NulText::kAllowed); !s) return s;
  return InWriteTransaction(*pool_, [&](Db& db) -> Status {
    Status s = sqlite::InsertGenerationRow(db, g);
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
    if (Status s = ReadAllGenerations(*stmt, out.items); !s) return Unexpected(s.error());
    out.next_cursor = EndHistoryPage(out.items, page.limit);
    if (Status s = LoadAllImages(db, out.items); !s) return Unexpected(s.error());
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
    return Execute(db, "UPDATE images SET access_tier = ?3 WHERE job_id = ?1 AND image_index = ?2",
                   {job_id, int64_t{image_index}, access_tier});
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
    if (Status s = ReadAllGenerations(*stmt, out.items); !s) return Unexpected(s.error());
    if (Status s = LoadAllImages(db, out.items); !s) return Unexpected(s.error());
    if (out.items.size() == static_cast<size_t>(limit)) out.next_after = out.items.back().job_id;
    return out;
  });
}

}  // namespace noisett::catalog
