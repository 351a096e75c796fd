// Internal to the catalogs: the checks SqliteCatalog and PostgresCatalog run on a call's inputs
// before (or, for image indexes, instead of) asking the database, with the codes, reasons and
// messages catalog.h promises. One home, so both catalogs refuse the same inputs the same way.
// Cursor text is checked by cursor.h; what the rows say (job_not_found, job_full for a full job)
// by each catalog, with catalog_errors.h's errors.
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/job_queue.h"
#include "core/result.h"

namespace noisett::catalog {

inline constexpr int kMaxPageLimit = 200;   // ListGenerations and ListFavorites (PageRequest)
inline constexpr int kMaxScanLimit = 1000;  // ScanGenerations

// kInvalidArgument "bad_limit" unless 1 <= limit <= kMaxPageLimit.
Status ValidatePageLimit(int limit);
// kInvalidArgument "bad_limit" unless 1 <= limit <= kMaxScanLimit.
Status ValidateScanLimit(int limit);

// kInvalidArgument "bad_access_tier" unless IsAccessTier(tier).
Status ValidateAccessTier(std::string_view tier);

// For an image being added: kInvalidArgument "bad_image_index" unless 0 <= index < 8.
Status ValidateNewImageIndex(int index);
// For a call naming an image that should exist: kNotFound "image_not_found" outside 0..7, since
// no image can be there; the caller then skips its lookup.
Status ValidateExistingImageIndex(int index);

// kInvalidArgument "bad_value" if a text holds a NUL byte. PostgreSQL's checks only: its text
// cannot hold NUL and libpq would cut a parameter at the first one ("alice\0x" would read as
// "alice"); SQLite binds text with its length and stores it whole.
Status ValidateText(std::initializer_list<std::string_view> texts);

// Whether ValidateNewImages also applies ValidateText to each image's texts.
enum class NulText { kAllowed, kRefused };

// InsertGeneration's images: kConflict "job_full" for more than 8; then each image in order:
// "bad_image_index", "bad_access_tier", kConflict "image_exists" (an index given twice), and with
// NulText::kRefused "bad_value" (blob_path, thumbnail_path, content_type). The first failure wins.
Status ValidateNewImages(const std::vector<ImageRecord>& images, NulText nul);

// The job queue's (job_queue.h), each kInvalidArgument "bad_job":
// CreateJob: 1..kMaxImagesPerJob seeds.
Status ValidateNewJob(const JobRecord& job);
// ClaimJob: an instance has a name (an empty lease_owner means "no lease").
Status ValidateInstance(std::string_view instance);
// RecordPrediction, before the job is read: an index no job can have (outside 0..7); the
// catalog then checks it against the job's seeds.
Status ValidatePredictionIndex(int index);
// FinishJob: succeeded, failed or canceled.
Status ValidateFinishStatus(JobStatus status);

}  // namespace noisett::catalog
