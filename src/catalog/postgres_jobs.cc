// PostgresJobQueue: the job queue in SQL on PostgreSQL, with the semantics of SqliteJobQueue
// (sqlite_jobs.cc). The user-scoped calls look the job up by job_id AND user_id, so another
// user's job is answered exactly like a missing one. The lease calls lock the job row, check the
// lease (job_rows.h) and change the job in one transaction; CreateJob inserts the generation with
// the catalog's own statement (kInsertGeneration). The SQL is postgres_job_statements.cc; the
// input checks are catalog_validation.h's, ValidateText included (no NUL in text sent to
// PostgreSQL).
#include "catalog/postgres_jobs.h"

#include <pqxx/result>
#include <pqxx/transaction_base>

#include <optional>
#include <utility>

#include "catalog/catalog_errors.h"
#include "catalog/catalog_validation.h"
#include "catalog/job_rows.h"
#include "catalog/postgres_statements.h"
#include "catalog/postgres_txn.h"

namespace noisett::catalog {

using pg::RunTx;
using pg::TxKind;
using Tx = pqxx::transaction_base;

namespace {

std::string S(std::string_view text) { return std::string(text); }

// A job from a row of JOB_COLUMNS (postgres_job_statements.cc).
Result<JobRecord> ReadJob(const pqxx::row& row) {
  JobRecord job;
  job.job_id = row[0].as<std::string>();
  job.user_id = row[1].as<std::string>();
  job.prompt = row[2].as<std::string>();
  job.asset_type = row[3].as<std::string>();
  job.quality = row[4].as<std::string>();
  job.model = row[5].as<std::string>();
  job.generator = row[6].as<std::string>();
  job.created_at_ms = row[9].as<int64_t>();
  if (!row[10].is_null()) job.started_at_ms = row[10].as<int64_t>();
  if (!row[11].is_null()) job.finished_at_ms = row[11].as<int64_t>();
  job.lease_owner = row[12].as<std::string>();
  job.lease_expires_at_ms = row[13].as<int64_t>();
  job.attempts = row[14].as<int>();
  job.cancel_requested = row[15].as<bool>();
  job.error_code = row[17].as<std::string>();
  job.error_message = row[18].as<std::string>();
  job.stored_images = row[19].as<int>();
  if (Status s = DecodeJobText(row[7].c_str(), row[8].c_str(), row[16].c_str(), job); !s) {
    return Unexpected(s.error());
  }
  return job;
}

// The job of the first row; job_not_found when there is none.
Result<JobRecord> OneJob(const pqxx::result& rows) {
  if (rows.empty()) return Unexpected(JobNotFound());
  return ReadJob(rows[0]);
}

// The job `instance` holds, locked until the transaction ends; job_not_found, or lease_lost when
// another holds it or it ended.
Result<JobRecord> LockLeasedJob(Tx& tx, std::string_view job_id, std::string_view instance) {
  auto job = OneJob(tx.exec_prepared(pg::stmt::kLockJobRow, S(job_id)));
  if (!job) return job;
  if (Status s = RequireLease(*job, instance); !s) return Unexpected(s.error());
  return job;
}

Status ValidateGenerators(const std::vector<std::string>& generators) {
  for (const std::string& generator : generators) {
    if (Status s = ValidateText({generator}); !s) return s;
  }
  return Ok();
}

}  // namespace

Status PostgresJobQueue::CreateJob(const JobRecord& job) {
  if (Status s = ValidateNewJob(job); !s) return s;
  if (Status s = ValidateText({job.job_id, job.user_id, job.prompt, job.asset_type, job.quality,
                               job.model, job.generator});
      !s) {
    return s;
  }
  const Generation g = JobGeneration(job);
  const std::string seeds = EncodeSeeds(job.seeds);
  const std::string predictions = EncodePredictions(std::vector<std::string>(job.seeds.size()));
  const char* not_deleted = nullptr;  // SQL NULL
  return RunTx(pool_, TxKind::kWrite, [&](Tx& tx) -> Status {
    if (tx.exec_prepared(pg::stmt::kInsertGeneration, g.job_id, g.user_id, g.prompt, g.asset_type,
                         g.quality, g.model, g.created_at, 0, not_deleted)
            .affected_rows() == 0) {
      return Unexpected(JobExists());
    }
    // A finished job whose generation went away still holds its id; returning the error rolls
    // the generation back.
    if (tx.exec_prepared(pg::stmt::kInsertJob, job.job_id, job.user_id, job.prompt, job.asset_type,
                         job.quality, job.model, job.generator, seeds,
                         static_cast<int>(job.seeds.size()), job.created_at_ms, predictions)
            .affected_rows() == 0) {
      return Unexpected(JobExists());
    }
    return Ok();
  });
}

Result<JobRecord> PostgresJobQueue::GetJob(std::string_view user_id, std::string_view job_id) {
  if (Status s = ValidateText({user_id, job_id}); !s) return Unexpected(s.error());
  return pg::Read<JobRecord>(pool_, [&](Tx& tx) -> Result<JobRecord> {
    return OneJob(tx.exec_prepared(pg::stmt::kGetJob, S(job_id), S(user_id)));
  });
}

Result<std::vector<JobRecord>> PostgresJobQueue::ListUnfinishedJobs(std::string_view user_id) {
  using Jobs = std::vector<JobRecord>;
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  return pg::Read<Jobs>(pool_, [&](Tx& tx) -> Result<Jobs> {
    Jobs jobs;
    for (const pqxx::row& row : tx.exec_prepared(pg::stmt::kUnfinishedJobs, S(user_id))) {
      auto job = ReadJob(row);
      if (!job) return Unexpected(job.error());
      jobs.push_back(std::move(*job));
    }
    return jobs;
  });
}

Result<std::optional<JobRecord>> PostgresJobQueue::ClaimJob(
    std::string_view instance, const std::vector<std::string>& generators, int64_t now_ms,
    int64_t lease_ms) {
  using Claimed = std::optional<JobRecord>;
  if (Status s = ValidateInstance(instance); !s) return Unexpected(s.error());
  if (Status s = ValidateText({instance}); !s) return Unexpected(s.error());
  if (Status s = ValidateGenerators(generators); !s) return Unexpected(s.error());
  if (generators.empty()) return Claimed();
  const std::string wanted = GeneratorsJson(generators);
  return pg::Write<Claimed>(pool_, [&](Tx& tx) -> Result<Claimed> {
    const pqxx::result found = tx.exec_prepared(pg::stmt::kClaimJob, now_ms, wanted);
    if (found.empty()) return Claimed();
    const std::string job_id = found[0][0].as<std::string>();
    tx.exec_prepared(pg::stmt::kStartJob, job_id, S(instance), now_ms + lease_ms, now_ms);
    auto job = OneJob(tx.exec_prepared(pg::stmt::kLockJobRow, job_id));
    if (!job) return Unexpected(job.error());
    return Claimed(std::move(*job));
  });
}

Result<JobRecord> PostgresJobQueue::RenewLease(std::string_view job_id, std::string_view instance,
                                               int64_t expires_at_ms) {
  if (Status s = ValidateText({job_id, instance}); !s) return Unexpected(s.error());
  return pg::Write<JobRecord>(pool_, [&](Tx& tx) -> Result<JobRecord> {
    auto job = LockLeasedJob(tx, job_id, instance);
    if (!job) return job;
    tx.exec_prepared(pg::stmt::kRenewLease, S(job_id), expires_at_ms);
    job->lease_expires_at_ms = expires_at_ms;
    return job;
  });
}

Status PostgresJobQueue::RecordPrediction(std::string_view job_id, std::string_view instance,
                                          int index, std::string_view prediction_id) {
  if (Status s = ValidatePredictionIndex(index); !s) return s;
  if (Status s = ValidateText({job_id, instance, prediction_id}); !s) return s;
  return RunTx(pool_, TxKind::kWrite, [&](Tx& tx) -> Status {
    auto job = LockLeasedJob(tx, job_id, instance);
    if (!job) return Unexpected(job.error());
    if (Status s = SetPrediction(*job, index, prediction_id); !s) return s;
    tx.exec_prepared(pg::stmt::kSetPredictions, S(job_id), EncodePredictions(job->predictions));
    return Ok();
  });
}

Status PostgresJobQueue::FinishJob(std::string_view job_id, std::string_view instance,
                                   JobStatus status, std::string_view error_code,
                                   std::string_view error_message, int64_t now_ms) {
  if (Status s = ValidateFinishStatus(status); !s) return s;
  if (Status s = ValidateText({job_id, instance, error_code, error_message}); !s) return s;
  return RunTx(pool_, TxKind::kWrite, [&](Tx& tx) -> Status {
    auto job = LockLeasedJob(tx, job_id, instance);
    if (!job) return Unexpected(job.error());
    tx.exec_prepared(pg::stmt::kFinishJob, S(job_id), S(JobStatusName(status)), now_ms,
                     S(error_code), S(error_message));
    // A job that ended with no stored image takes its generation with it (job_queue.h).
    tx.exec_prepared(pg::stmt::kRemoveEmptyGeneration, S(job_id));
    return Ok();
  });
}

Result<JobRecord> PostgresJobQueue::RequestCancel(std::string_view user_id, std::string_view job_id,
                                                  int64_t now_ms) {
  if (Status s = ValidateText({user_id, job_id}); !s) return Unexpected(s.error());
  return pg::Write<JobRecord>(pool_, [&](Tx& tx) -> Result<JobRecord> {
    auto job = OneJob(tx.exec_prepared(pg::stmt::kLockUserJobRow, S(job_id), S(user_id)));
    if (!job || IsFinished(job->status)) return job;
    if (job->status == JobStatus::kQueued) {
      // Nothing runs it yet: it ends here, and its generation (no images) with it.
      tx.exec_prepared(pg::stmt::kCancelQueuedJob, S(job_id), now_ms);
      tx.exec_prepared(pg::stmt::kRemoveEmptyGeneration, S(job_id));
    } else {
      // Its runner reads the flag when it renews the lease, and stops it.
      tx.exec_prepared(pg::stmt::kFlagCancel, S(job_id));
    }
    return OneJob(tx.exec_prepared(pg::stmt::kLockUserJobRow, S(job_id), S(user_id)));
  });
}

Result<int64_t> PostgresJobQueue::ReleaseLeases(std::string_view instance) {
  // No lease is held under an empty name (it means "no lease"): nothing to give up.
  if (instance.empty()) return int64_t{0};
  if (Status s = ValidateText({instance}); !s) return Unexpected(s.error());
  return pg::Write<int64_t>(pool_, [&](Tx& tx) -> Result<int64_t> {
    return static_cast<int64_t>(
        tx.exec_prepared(pg::stmt::kReleaseLeases, S(instance)).affected_rows());
  });
}

Result<QuotaUsage> PostgresJobQueue::GetQuotaUsage(std::string_view user_id, int64_t since_ms) {
  if (Status s = ValidateText({user_id}); !s) return Unexpected(s.error());
  return pg::Read<QuotaUsage>(pool_, [&](Tx& tx) -> Result<QuotaUsage> {
    const pqxx::row row = tx.exec_prepared(pg::stmt::kQuotaUsage, S(user_id), since_ms)[0];
    return QuotaUsage{row[0].as<int64_t>(), row[1].as<int64_t>()};
  });
}

Result<int64_t> PostgresJobQueue::CountJobs(JobStatus status) {
  return pg::Read<int64_t>(pool_, [&](Tx& tx) -> Result<int64_t> {
    return tx.exec_prepared(pg::stmt::kCountJobs, S(JobStatusName(status)))[0][0].as<int64_t>();
  });
}

}  // namespace noisett::catalog
