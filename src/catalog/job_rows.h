// Internal to the catalogs: how SqliteJobQueue and PostgresJobQueue keep a job in a row, and the
// rules both apply to a job they have read, so the two store and answer alike.
//   - seeds: decimal integers joined by ',' ("42,43");
//   - predictions: one entry per seed joined by ',', each percent-encoded (RFC 3986's unreserved
//     bytes stay, so provider ids read as they are in a SQL shell; a ',' in an id cannot split
//     it); "" where none was made yet, so two seeds without predictions are ",";
//   - the generators a claim may take: a JSON array of strings, which the claim's SQL reads with
//     json_each (SQLite) or jsonb_array_elements_text (PostgreSQL).
// The SQL, and which columns hold what, are each catalog's (sqlite_jobs.cc, postgres_jobs.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/job_queue.h"
#include "core/result.h"

namespace noisett::catalog {

std::string EncodeSeeds(const std::vector<int64_t>& seeds);
std::string EncodePredictions(const std::vector<std::string>& predictions);
std::string GeneratorsJson(const std::vector<std::string>& generators);

// Fills job.seeds, job.status and job.predictions from a row's text columns. kInternal
// "bad_job_row" when one does not decode (a row this code did not write).
Status DecodeJobText(std::string_view seeds, std::string_view status, std::string_view predictions,
                     JobRecord& job);

// The generation CreateJob records with `job`: same id, user, prompt, asset type, quality and
// model, created_at in seconds, no images.
Generation JobGeneration(const JobRecord& job);

// Ok when `instance` holds `job`'s lease: the job runs and its lease_owner is `instance` (expired
// or not: nobody has taken it over yet). Else kConflict "lease_lost", a finished job included.
Status RequireLease(const JobRecord& job, std::string_view instance);

// Sets job.predictions[index]. kInvalidArgument "bad_job" when the job has no image `index`.
Status SetPrediction(JobRecord& job, int index, std::string_view prediction_id);

}  // namespace noisett::catalog
