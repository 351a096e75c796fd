// SqliteCatalog's renditions (catalog.h: SetRenditions, ListPendingRenditions);
// the column's format is rendition_column.h.
#include "catalog/catalog_validation.h"
#include "catalog/rendition_column.h"
#include "catalog/sqlite_catalog.h"
#include "catalog/sqlite_rows.h"
#include "catalog/sqlite_txn.h"

namespace noisett::catalog {

using sqlite::Db;

Status SqliteCatalog::SetRenditions(std::string_view user_id, std::string_view job_id,
                                    int image_index, const std::vector<Rendition> &renditions) {
  if (Status s = ValidateRenditions(renditions); !s) return s;
  const std::string text = RenditionListText(renditions);
  return sqlite::InWriteTransaction(*pool_, [&](Db &db) -> Status {
    auto job = sqlite::FindLiveJob(db, user_id, job_id);
    if (!job) return Unexpected(job.error());
    if (Status s = sqlite::RequireImage(db, job_id, image_index); !s) return s;
    return sqlite::Execute(db,
                           "UPDATE images SET renditions = ?3, rendition_bytes = ?4"
                           " WHERE job_id = ?1 AND image_index = ?2",
                           {job_id, int64_t{image_index}, std::string_view(text),
                            static_cast<int64_t>(RenditionBytes(renditions))});
  });
}

Result<std::vector<PendingRendition>> SqliteCatalog::ListPendingRenditions(int64_t created_before,
                                                                           int limit) {
  if (Status s = ValidateScanLimit(limit); !s) return Unexpected(s.error());
  using Out = std::vector<PendingRendition>;
  return sqlite::InReadTransaction<Out>(*pool_, [&](Db &db) -> Result<Out> {
    auto stmt = db.Prepare(
        "SELECT g.user_id, g.job_id, i.image_index, i.blob_path, g.created_at"
        " FROM images AS i JOIN generations AS g ON g.job_id = i.job_id"
        " WHERE i.renditions = 'pending' AND g.deleted_at IS NULL AND "
        "g.created_at <= ?1"
        " ORDER BY g.created_at, g.job_id, i.image_index LIMIT ?2");
    if (!stmt) return Unexpected(stmt.error());
    if (Status s = stmt->Bind({created_before, int64_t{limit}}); !s) return Unexpected(s.error());
    Out out;
    while (true) {
      auto row = stmt->Step();
      if (!row) return Unexpected(row.error());
      if (!*row) return out;
      out.push_back({stmt->Text(0), stmt->Text(1), static_cast<int>(stmt->Int64(2)), stmt->Text(3),
                     stmt->Int64(4)});
    }
  });
}

}  // namespace noisett::catalog
