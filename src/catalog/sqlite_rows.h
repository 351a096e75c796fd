// Internal to SqliteCatalog: the image columns and their reader, shared by the reads that return
// images (GetGeneration and the lists in sqlite_generations.cc, ListFavorites in
// sqlite_favorites.cc), the lookups that writes on a job or an image start with, and the insert of
// a generation row (InsertGeneration, and CreateJob in sqlite_jobs.cc). The generation columns
// are read only in sqlite_generations.cc and live there.
#pragma once

#include <string_view>

#include "catalog/catalog.h"
#include "catalog/sqlite_db.h"
#include "core/result.h"

// An images row aliased i, as ReadImage reads it; the favorite flag follows it.
#define NOISETT_IMAGE_COLUMNS                                                                  \
  "i.image_index, i.seed, i.blob_path, i.thumbnail_path, i.bytes, i.thumbnail_bytes, i.width," \
  " i.height, i.content_type, i.access_tier, i.thumbhash, i.renditions"

namespace noisett::catalog::sqlite {

// An image from NOISETT_IMAGE_COLUMNS and the favorite flag, starting at column `c`.
ImageRecord ReadImage(const Statement& stmt, int c);

struct JobState {
  int image_count = 0;
  bool deleted = false;
};

// The user's job, live or deleted; kNotFound "job_not_found" when it is missing or not theirs.
Result<JobState> FindJob(Db& db, std::string_view user_id, std::string_view job_id);

// The user's live job; a soft-deleted job is answered like a missing one.
Result<JobState> FindLiveJob(Db& db, std::string_view user_id, std::string_view job_id);

// True if the job holds an image at `index`.
Result<bool> ImageExists(Db& db, std::string_view job_id, int index);

// kNotFound "image_not_found" unless the job holds an image at `index` (0..7).
Status RequireImage(Db& db, std::string_view job_id, int index);

// Inserts the generations row of `g` (image_count = g.images.size(); the caller inserts the
// images). Errors: kConflict "job_exists" when the id is taken, by anyone.
// REQUIRES: inside a write transaction.
Status InsertGenerationRow(Db& db, const Generation& g);

}  // namespace noisett::catalog::sqlite
