// Internal to PostgresCatalog: result rows → catalog structs. The generation reads
// (postgres_statements.cc) return a generation's 8 columns followed by its image's 11, one row per
// image (image columns NULL for a job without images), rows of one job adjacent.
#pragma once

#include <pqxx/result>

#include <vector>

#include "catalog/catalog.h"

namespace noisett::catalog::pg {

// The generations in `rows`, in row order, each with its images; the generation columns start at
// column `first`. Rows whose job_id is NULL (an empty page's count row) are skipped.
std::vector<Generation> ReadGenerations(const pqxx::result& rows, int first);

// One image from IMAGE_COLUMNS (postgres_statements.cc), its 11 columns starting at `first`.
ImageRecord ReadImage(const pqxx::row& row, int first);

// (image_count, deleted) of a kLockJob / kShareJob / kFindJob row.
struct JobState {
  int image_count = 0;
  bool deleted = false;
};
JobState ReadJobState(const pqxx::row& row);

}  // namespace noisett::catalog::pg
