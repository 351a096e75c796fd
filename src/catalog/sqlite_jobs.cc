// SqliteJobQueue: the job queue in SQL. A job is read with its generation's image count (a LEFT
// JOIN: 0 once the generation is gone); the user-scoped calls look the job up by job_id AND
// user_id, so another user's job is answered exactly like a missing one. The lease calls (renew,
// prediction, finish) read the job, check the lease (job_rows.h) and change it in one write
// transaction. How seeds and predictions are spelled is job_rows.h's; the input checks are
// catalog_validation.h's, shared with PostgresJobQueue.
#include "catalog/sqlite_jobs.h"

#include <optional>
#include <utility>

#include "catalog/catalog_errors.h"
#include "catalog/catalog_validation.h"
#include "catalog/job_rows.h"
#include "catalog/sqlite_rows.h"
#include "catalog/sqlite_txn.h"

namespace noisett::catalog {

using sqlite::Db;
using sqlite::Execute;
using sqlite::InReadTransaction;
using sqlite::InWriteTransaction;
using sqlite::InWriteTransactionFor;
using sqlite::QueryRow;
using sqlite::Statement;

// SQL is laid out by hand, one clause per line.
// clang-format off
#define NOISETT_JOB_COLUMNS                                                                     \
  "j.job_id, j.user_id, j.prompt, j.asset_type, j.quality, j.model, j.generator, j.seeds,"     \
  " j.status, j.created_at_ms, j.started_at_ms, j.finished_at_ms, j.lease_owner,"              \
  " j.lease_expires_at_ms, j.attempts, j.cancel_requested, j.predictions, j.error_code,"       \
  " j.error_message, COALESCE(g.image_count, 0)"
#define NOISETT_JOBS_FROM " FROM jobs AS j LEFT JOIN generations AS g ON g.job_id = j.job_id"
// INDEXED BY: without statistics the planner would rather look queued jobs up by status and sort
// them all; idx_jobs_claim is already in claim order, so the walk stops at the first job it may
// take. The status term repeats the index's WHERE word for word: SQLite uses a partial index only
// for a query whose WHERE names the index's condition (else the statement does not prepare).
const char* const kClaimJobSql =
    "SELECT job_id FROM jobs INDEXED BY idx_jobs_claim WHERE status IN ('queued', 'running')"
    " AND (status = 'queued' OR lease_expires_at_ms < ?1)"
    " AND generator IN (SELECT value FROM json_each(?2))"
    " ORDER BY created_at_ms, job_id LIMIT 1";
const char* const kUnfinishedJobsSql =
    "SELECT " NOISETT_JOB_COLUMNS NOISETT_JOBS_FROM
    " WHERE j.user_id = ?1 AND j.status IN ('queued', 'running')"
    " ORDER BY j.created_at_ms, j.job_id";
// The active count reads only the user's unfinished jobs (INDEXED BY: the planner would rather
// read every job the user ever made); the images sum walks the window. A
// finished job counts the images it stored, an unfinished one the images it asked for.
const char* const kQuotaUsageSql =
    "SELECT (SELECT COUNT(*) FROM jobs INDEXED BY idx_jobs_user_unfinished"
    " WHERE user_id = ?1 AND status IN ('queued', 'running')),"
    " (SELECT COALESCE(SUM(CASE WHEN j.status IN ('queued', 'running') THEN j.requested_images"
    " ELSE COALESCE(g.image_count, 0) END), 0)" NOISETT_JOBS_FROM
    " WHERE j.user_id = ?1 AND j.created_at_ms >= ?2)";
// clang-format on

namespace {

// A job from a row of NOISETT_JOB_COLUMNS.
Result<JobRecord> ReadJob(const Statement& stmt) {
  JobRecord job;
  job.job_id = stmt.Text(0);
  job.user_id = stmt.Text(1);
  job.prompt = stmt.Text(2);
  job.asset_type = stmt.Text(3);
  job.quality = stmt.Text(4);
  job.model = stmt.Text(5);
  job.generator = stmt.Text(6);
  job.created_at_ms = stmt.Int64(9);
  if (!stmt.IsNull(10)) job.started_at_ms = stmt.Int64(10);
  if (!stmt.IsNull(11)) job.finished_at_ms = stmt.Int64(11);
  job.lease_owner = stmt.Text(12);
  job.lease_expires_at_ms = stmt.Int64(13);
  job.attempts = static_cast<int>(stmt.Int64(14));
  job.cancel_requested = stmt.Int64(15) != 0;
  job.error_code = stmt.Text(17);
  job.error_message = stmt.Text(18);
  job.stored_images = static_cast<int>(stmt.Int64(19));
  if (Status s = DecodeJobText(stmt.Text(7), stmt.Text(8), stmt.Text(16), job); !s) {
    return Unexpected(s.error());
  }
  return job;
}

// The one job a bound statement of NOISETT_JOB_COLUMNS finds; job_not_found when none.
Result<JobRecord> ReadOneJob(Statement& stmt) {
  auto row = stmt.Step();
  if (!row) return Unexpected(row.error());
  if (!*row) return Unexpected(JobNotFound());
  return ReadJob(stmt);
}

// Anyone's job: the lease calls name an instance, not a user.
Result<JobRecord> LoadJob(Db& db, std::string_view job_id) {
  auto stmt = db.Prepare("SELECT " NOISETT_JOB_COLUMNS NOISETT_JOBS_FROM " WHERE j.job_id = ?1");
  if (!stmt) return Unexpected(stmt.error());
  if (Status s = stmt->Bind({job_id}); !s) return Unexpected(s.error());
  return ReadOneJob(*stmt);
}

Result<JobRecord> LoadUserJob(Db& db, std::string_view user_id, std::string_view job_id) {
  auto stmt = db.Prepare("SELECT " NOISETT_JOB_COLUMNS NOISETT_JOBS_FROM
                         " WHERE j.job_id = ?1 AND j.user_id = ?2");
  if (!stmt) return Unexpected(stmt.error());
  if (Status s = stmt->Bind({job_id, user_id}); !s) return Unexpected(s.error());
  return ReadOneJob(*stmt);
}

// The job `instance` holds; job_not_found, or lease_lost when another holds it or it ended.
Result<JobRecord> LoadLeasedJob(Db& db, std::string_view job_id, std::string_view instance) {
  auto job = LoadJob(db, job_id);
  if (!job) return job;
  if (Status s = RequireLease(*job, instance); !s) return Unexpected(s.error());
  return job;
}

// A job that ended with no stored image takes its generation with it (job_queue.h): history
// does not list an empty entry.
Status RemoveEmptyGeneration(Db& db, std::string_view job_id) {
  return Execute(db, "DELETE FROM generations WHERE job_id = ?1 AND image_count = 0", {job_id});
}

Result<bool> JobIdTaken(Db& db, std::string_view job_id) {
  auto stmt = db.Prepare("SELECT 1 FROM jobs WHERE job_id = ?1");
  if (!stmt) return Unexpected(stmt.error());
  return QueryRow(*stmt, {job_id});
}

}  // namespace

Status SqliteJobQueue::CreateJob(const JobRecord& job) {
  if (Status s = ValidateNewJob(job); !s) return s;
  return InWriteTransaction(pool_, [&](Db& db) -> Status {
    // A finished job whose generation went away still holds its id.
    auto taken = JobIdTaken(db, job.job_id);
    if (!taken) return Unexpected(taken.error());
    if (*taken) return Unexpected(JobExists());
    if (Status s = sqlite::InsertGenerationRow(db, JobGeneration(job)); !s) return s;
    const std::vector<std::string> no_predictions(job.seeds.size());
    return Execute(db,
                   "INSERT INTO jobs (job_id, user_id, prompt, asset_type, quality, model,"
                   " generator, seeds, requested_images, created_at_ms, predictions)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                   {job.job_id, job.user_id, job.prompt, job.asset_type, job.quality, job.model,
                    job.generator, EncodeSeeds(job.seeds), static_cast<int64_t>(job.seeds.size()),
                    job.created_at_ms, EncodePredictions(no_predictions)});
  });
}

Result<JobRecord> SqliteJobQueue::GetJob(std::string_view user_id, std::string_view job_id) {
  return InReadTransaction<JobRecord>(
      pool_, [&](Db& db) -> Result<JobRecord> { return LoadUserJob(db, user_id, job_id); });
}

Result<std::vector<JobRecord>> SqliteJobQueue::ListUnfinishedJobs(std::string_view user_id) {
  using Jobs = std::vector<JobRecord>;
  return InReadTransaction<Jobs>(pool_, [&](Db& db) -> Result<Jobs> {
    auto stmt = db.Prepare(kUnfinishedJobsSql);
    if (!stmt) return Unexpected(stmt.error());
    if (Status s = stmt->Bind({user_id}); !s) return Unexpected(s.error());
    Jobs jobs;
    while (true) {
      auto row = stmt->Step();
      if (!row) return Unexpected(row.error());
      if (!*row) return jobs;
      auto job = ReadJob(*stmt);
      if (!job) return Unexpected(job.error());
      jobs.push_back(std::move(*job));
    }
  });
}

Result<std::optional<JobRecord>> SqliteJobQueue::ClaimJob(
    std::string_view instance, const std::vector<std::string>& generators, int64_t now_ms,
    int64_t lease_ms) {
  using Claimed = std::optional<JobRecord>;
  if (Status s = ValidateInstance(instance); !s) return Unexpected(s.error());
  if (generators.empty()) return Claimed();
  const std::string wanted = GeneratorsJson(generators);
  return InWriteTransactionFor<Claimed>(pool_, [&](Db& db) -> Result<Claimed> {
    std::string job_id;
    {
      auto stmt = db.Prepare(kClaimJobSql);
      if (!stmt) return Unexpected(stmt.error());
      auto row = QueryRow(*stmt, {now_ms, wanted});
      if (!row) return Unexpected(row.error());
      if (!*row) return Claimed();
      job_id = stmt->Text(0);
    }
    Status s = Execute(db,
                       "UPDATE jobs SET status = 'running', lease_owner = ?2,"
                       " lease_expires_at_ms = ?3, attempts = attempts + 1,"
                       " started_at_ms = COALESCE(started_at_ms, ?4) WHERE job_id = ?1",
                       {job_id, instance, now_ms + lease_ms, now_ms});
    if (!s) return Unexpected(s.error());
    auto job = LoadJob(db, job_id);
    if (!job) return Unexpected(job.error());
    return Claimed(std::move(*job));
  });
}

Result<JobRecord> SqliteJobQueue::RenewLease(std::string_view job_id, std::string_view instance,
                                             int64_t expires_at_ms) {
  return InWriteTransactionFor<JobRecord>(pool_, [&](Db& db) -> Result<JobRecord> {
    auto job = LoadLeasedJob(db, job_id, instance);
    if (!job) return job;
    Status s = Execute(db, "UPDATE jobs SET lease_expires_at_ms = ?2 WHERE job_id = ?1",
                       {job_id, expires_at_ms});
    if (!s) return Unexpected(s.error());
    job->lease_expires_at_ms = expires_at_ms;
    return job;
  });
}

Status SqliteJobQueue::RecordPrediction(std::string_view job_id, std::string_view instance,
                                        int index, std::string_view prediction_id) {
  if (Status s = ValidatePredictionIndex(index); !s) return s;
  return InWriteTransaction(pool_, [&](Db& db) -> Status {
    auto job = LoadLeasedJob(db, job_id, instance);
    if (!job) return Unexpected(job.error());
    if (Status s = SetPrediction(*job, index, prediction_id); !s) return s;
    return Execute(db, "UPDATE jobs SET predictions = ?2 WHERE job_id = ?1",
                   {job_id, EncodePredictions(job->predictions)});
  });
}

Status SqliteJobQueue::FinishJob(std::string_view job_id, std::string_view instance,
                                 JobStatus status, std::string_view error_code,
                                 std::string_view error_message, int64_t now_ms) {
  if (Status s = ValidateFinishStatus(status); !s) return s;
  return InWriteTransaction(pool_, [&](Db& db) -> Status {
    auto job = LoadLeasedJob(db, job_id, instance);
    if (!job) return Unexpected(job.error());
    Status s = Execute(db,
                       "UPDATE jobs SET status = ?2, finished_at_ms = ?3, lease_owner = '',"
                       " lease_expires_at_ms = 0, error_code = ?4, error_message = ?5"
                       " WHERE job_id = ?1",
                       {job_id, JobStatusName(status), now_ms, error_code, error_message});
    if (!s) return s;
    return RemoveEmptyGeneration(db, job_id);
  });
}

Result<JobRecord> SqliteJobQueue::RequestCancel(std::string_view user_id, std::string_view job_id,
                                                int64_t now_ms) {
  return InWriteTransactionFor<JobRecord>(pool_, [&](Db& db) -> Result<JobRecord> {
    auto job = LoadUserJob(db, user_id, job_id);
    if (!job || IsFinished(job->status)) return job;
    Status s = Ok();
    if (job->status == JobStatus::kQueued) {
      // Nothing runs it yet: it ends here, and its generation (no images) with it.
      s = Execute(db,
                  "UPDATE jobs SET status = 'canceled', finished_at_ms = ?2,"
                  " cancel_requested = 1 WHERE job_id = ?1",
                  {job_id, now_ms});
      if (s) s = RemoveEmptyGeneration(db, job_id);
    } else {
      // Its runner reads the flag when it renews the lease, and stops it.
      s = Execute(db, "UPDATE jobs SET cancel_requested = 1 WHERE job_id = ?1", {job_id});
    }
    if (!s) return Unexpected(s.error());
    return LoadUserJob(db, user_id, job_id);
  });
}

Result<int64_t> SqliteJobQueue::ReleaseLeases(std::string_view instance) {
  // No lease is held under an empty name (it means "no lease"): nothing to give up.
  if (instance.empty()) return int64_t{0};
  return InWriteTransactionFor<int64_t>(pool_, [&](Db& db) -> Result<int64_t> {
    // An expiry of 0 has passed for every claim's now_ms: the next claim takes them.
    Status s = Execute(db,
                       "UPDATE jobs SET lease_owner = '', lease_expires_at_ms = 0"
                       " WHERE status = 'running' AND lease_owner = ?1",
                       {instance});
    if (!s) return Unexpected(s.error());
    return db.Changes();
  });
}

Result<QuotaUsage> SqliteJobQueue::GetQuotaUsage(std::string_view user_id, int64_t since_ms) {
  return InReadTransaction<QuotaUsage>(pool_, [&](Db& db) -> Result<QuotaUsage> {
    auto stmt = db.Prepare(kQuotaUsageSql);
    if (!stmt) return Unexpected(stmt.error());
    auto row = QueryRow(*stmt, {user_id, since_ms});
    if (!row) return Unexpected(row.error());
    return QuotaUsage{stmt->Int64(0), stmt->Int64(1)};
  });
}

Result<int64_t> SqliteJobQueue::CountJobs(JobStatus status) {
  return InReadTransaction<int64_t>(pool_, [&](Db& db) -> Result<int64_t> {
    auto stmt = db.Prepare("SELECT COUNT(*) FROM jobs WHERE status = ?1");
    if (!stmt) return Unexpected(stmt.error());
    auto row = QueryRow(*stmt, {JobStatusName(status)});
    if (!row) return Unexpected(row.error());
    return stmt->Int64(0);
  });
}

}  // namespace noisett::catalog
