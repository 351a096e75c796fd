// The job queue's SQL on PostgreSQL (postgres_jobs.cc runs it), named like the catalog's other
// statements (postgres_statements.h). A job row is read with its generation's image count (a LEFT
// JOIN: 0 once the generation is gone); the lease calls lock the job row (FOR UPDATE OF j: the
// generation side of the join may be missing, and is not theirs to lock) while they check and
// change it.
#include "catalog/postgres_statements.h"

namespace noisett::catalog::pg {
namespace {

// SQL is laid out by hand, one clause per line.
// clang-format off
#define JOB_COLUMNS                                                                             \
  "j.job_id, j.user_id, j.prompt, j.asset_type, j.quality, j.model, j.generator, j.seeds,"     \
  " j.status, j.created_at_ms, j.started_at_ms, j.finished_at_ms, j.lease_owner,"              \
  " j.lease_expires_at_ms, j.attempts, j.cancel_requested, j.predictions, j.error_code,"       \
  " j.error_message, COALESCE(g.image_count, 0)"
#define JOBS_FROM " FROM jobs AS j LEFT JOIN generations AS g ON g.job_id = j.job_id"
#define UNFINISHED "status IN ('queued', 'running')"

constexpr StatementDefinition kJobDefinitions[] = {
    // A taken id inserts nothing (no unique_violation to abort the transaction on).
    {stmt::kInsertJob,
     "INSERT INTO jobs (job_id, user_id, prompt, asset_type, quality, model, generator, seeds,"
     " requested_images, created_at_ms, predictions)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (job_id) DO NOTHING"},
    {stmt::kGetJob,
     "SELECT " JOB_COLUMNS JOBS_FROM " WHERE j.job_id = $1 AND j.user_id = $2"},
    {stmt::kLockJobRow,
     "SELECT " JOB_COLUMNS JOBS_FROM " WHERE j.job_id = $1 FOR UPDATE OF j"},
    {stmt::kLockUserJobRow,
     "SELECT " JOB_COLUMNS JOBS_FROM " WHERE j.job_id = $1 AND j.user_id = $2 FOR UPDATE OF j"},
    {stmt::kUnfinishedJobs,
     "SELECT " JOB_COLUMNS JOBS_FROM " WHERE j.user_id = $1 AND j." UNFINISHED
     " ORDER BY j.created_at_ms, j.job_id"},
    // Oldest first along idx_jobs_claim (its condition repeated so the planner may use it). SKIP
    // LOCKED passes over a row another instance's claim holds; a row whose claim committed after
    // this statement began is checked again on its new version (running, lease live) and left.
    {stmt::kClaimJob,
     "SELECT job_id FROM jobs WHERE " UNFINISHED
     " AND (status = 'queued' OR lease_expires_at_ms < $1)"
     " AND generator IN (SELECT jsonb_array_elements_text($2::jsonb))"
     " ORDER BY created_at_ms, job_id LIMIT 1 FOR UPDATE SKIP LOCKED"},
    {stmt::kStartJob,
     "UPDATE jobs SET status = 'running', lease_owner = $2, lease_expires_at_ms = $3,"
     " attempts = attempts + 1, started_at_ms = COALESCE(started_at_ms, $4) WHERE job_id = $1"},
    {stmt::kRenewLease, "UPDATE jobs SET lease_expires_at_ms = $2 WHERE job_id = $1"},
    {stmt::kSetPredictions, "UPDATE jobs SET predictions = $2 WHERE job_id = $1"},
    {stmt::kFinishJob,
     "UPDATE jobs SET status = $2, finished_at_ms = $3, lease_owner = '',"
     " lease_expires_at_ms = 0, error_code = $4, error_message = $5 WHERE job_id = $1"},
    // An AddImage in flight holds the generation's row lock: this waits for it and then sees its
    // image_count, so a generation that got an image stays.
    {stmt::kRemoveEmptyGeneration,
     "DELETE FROM generations WHERE job_id = $1 AND image_count = 0"},
    {stmt::kCancelQueuedJob,
     "UPDATE jobs SET status = 'canceled', finished_at_ms = $2, cancel_requested = TRUE"
     " WHERE job_id = $1"},
    {stmt::kFlagCancel, "UPDATE jobs SET cancel_requested = TRUE WHERE job_id = $1"},
    // An expiry of 0 has passed for every claim's now: the next claim takes them.
    {stmt::kReleaseLeases,
     "UPDATE jobs SET lease_owner = '', lease_expires_at_ms = 0"
     " WHERE status = 'running' AND lease_owner = $1"},
    // A finished job counts the images it stored, an unfinished one the images it asked for.
    {stmt::kQuotaUsage,
     "SELECT (SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND " UNFINISHED "),"
     " (SELECT COALESCE(SUM(CASE WHEN j." UNFINISHED " THEN j.requested_images"
     " ELSE COALESCE(g.image_count, 0) END), 0)::BIGINT" JOBS_FROM
     " WHERE j.user_id = $1 AND j.created_at_ms >= $2)"},
    {stmt::kCountJobs, "SELECT COUNT(*) FROM jobs WHERE status = $1"},
};
// clang-format on

}  // namespace

std::span<const StatementDefinition> JobStatements() { return kJobDefinitions; }

}  // namespace noisett::catalog::pg
