// SqliteCatalog's favorites: add and remove (idempotent, on an existing image of a live job) and
// the favorites list, one query per page that joins each favorite's generation and image.
//
// Generations and images are sqlite_generations.cc; the transaction runners sqlite_txn.h; image
// columns and job lookups sqlite_rows.h.
#include "catalog/catalog_validation.h"
#include "catalog/cursor.h"
#include "catalog/sqlite_catalog.h"
#include "catalog/sqlite_rows.h"
#include "catalog/sqlite_txn.h"

namespace noisett::catalog {

using sqlite::CountRows;
using sqlite::Db;
using sqlite::Execute;
using sqlite::FindLiveJob;
using sqlite::InReadTransaction;
using sqlite::InWriteTransaction;
using sqlite::ReadImage;
using sqlite::RequireImage;

// SQL is laid out by hand, one clause per line.
// clang-format off
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
    // One row more than asked tells whether another page follows.
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
      out.items.push_back(Favorite{stmt->Text(0), static_cast<int>(stmt->Int64(1)), stmt->Int64(2),
                                   stmt->Text(3), ReadImage(*stmt, 4)});
    }
    out.next_cursor = EndFavoritesPage(out.items, page.limit);
    return out;
  });
}

}  // namespace noisett::catalog
