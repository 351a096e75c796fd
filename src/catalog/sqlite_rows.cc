// Image rows and job/image lookups for SqliteCatalog; see sqlite_rows.h. Ownership is part of the
// lookup (job_id AND user_id), so another user's job is answered exactly like a missing one.
#include "catalog/sqlite_rows.h"

#include "catalog/catalog_errors.h"
#include "catalog/catalog_validation.h"
#include "catalog/rendition_column.h"
#include "catalog/sqlite_txn.h"

namespace noisett::catalog::sqlite {

ImageRecord ReadImage(const Statement& stmt, int c) {
  ImageRecord image{static_cast<int>(stmt.Int64(c)),
                    stmt.Int64(c + 1),
                    stmt.Text(c + 2),
                    stmt.Text(c + 3),
                    static_cast<uint64_t>(stmt.Int64(c + 4)),
                    static_cast<uint64_t>(stmt.Int64(c + 5)),
                    static_cast<int>(stmt.Int64(c + 6)),
                    static_cast<int>(stmt.Int64(c + 7)),
                    stmt.Text(c + 8),
                    stmt.Text(c + 9),
                    stmt.Int64(c + 12) != 0,
                    stmt.Text(c + 10)};
  std::optional<std::string> renditions;
  if (!stmt.IsNull(c + 11)) renditions = stmt.Text(c + 11);
  ReadRenditionColumn(renditions, image);
  return image;
}

Result<JobState> FindJob(Db& db, std::string_view user_id, std::string_view job_id) {
  auto stmt = db.Prepare(
      "SELECT image_count, deleted_at FROM generations WHERE job_id = ?1 AND user_id = ?2");
  if (!stmt) return Unexpected(stmt.error());
  auto row = QueryRow(*stmt, {job_id, user_id});
  if (!row) return Unexpected(row.error());
  if (!*row) return Unexpected(JobNotFound());
  return JobState{static_cast<int>(stmt->Int64(0)), !stmt->IsNull(1)};
}

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

Status RequireImage(Db& db, std::string_view job_id, int index) {
  if (Status s = ValidateExistingImageIndex(index); !s) return s;
  auto exists = ImageExists(db, job_id, index);
  if (!exists) return Unexpected(exists.error());
  if (!*exists) return Unexpected(ImageNotFound());
  return Ok();
}

Status InsertGenerationRow(Db& db, const Generation& g) {
  auto exists = db.Prepare("SELECT 1 FROM generations WHERE job_id = ?1");
  if (!exists) return Unexpected(exists.error());
  auto row = QueryRow(*exists, {g.job_id});
  if (!row) return Unexpected(row.error());
  if (*row) return Unexpected(JobExists());
  Value deleted_at = nullptr;
  if (g.deleted_at) deleted_at = *g.deleted_at;
  return Execute(db,
                 "INSERT INTO generations (job_id, user_id, prompt, asset_type, quality,"
                 " model, created_at, image_count, deleted_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                 {g.job_id, g.user_id, g.prompt, g.asset_type, g.quality, g.model, g.created_at,
                  static_cast<int64_t>(g.images.size()), deleted_at});
}

}  // namespace noisett::catalog::sqlite
