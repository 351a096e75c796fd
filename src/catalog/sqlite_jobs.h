// SqliteJobQueue: the JobQueue (job_queue.h) on SqliteCatalog's database, in the jobs table
// (migrations.cc, version 4) beside the generations it fills. SqliteCatalog owns one and shares
// its connection pool with it, so a job and its generation change in one transaction.
//
// Every write is one BEGIN IMMEDIATE transaction: a claim's search and its update cannot
// interleave with another writer's, in this process (the pool's one writer connection) or in
// another (SQLite's write lock), so no job is claimed twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/job_queue.h"
#include "catalog/sqlite_db.h"
#include "core/result.h"

namespace noisett::catalog {

// The queries that must walk an index (claim, a user's unfinished jobs, the quota window),
// exposed so tests can EXPLAIN QUERY PLAN exactly what runs.
extern const char* const kClaimJobSql;
extern const char* const kUnfinishedJobsSql;
extern const char* const kQuotaUsageSql;

class SqliteJobQueue final : public JobQueue {
 public:
  // REQUIRES: `pool` is migrated and outlives this queue.
  explicit SqliteJobQueue(sqlite::ConnectionPool& pool) : pool_(pool) {}

  Status CreateJob(const JobRecord& job) override;
  Result<JobRecord> GetJob(std::string_view user_id, std::string_view job_id) override;
  Result<std::vector<JobRecord>> ListUnfinishedJobs(std::string_view user_id) override;
  Result<std::optional<JobRecord>> ClaimJob(std::string_view instance,
                                            const std::vector<std::string>& generators,
                                            int64_t now_ms, int64_t lease_ms) override;
  Result<JobRecord> RenewLease(std::string_view job_id, std::string_view instance,
                               int64_t expires_at_ms) override;
  Status RecordPrediction(std::string_view job_id, std::string_view instance, int index,
                          std::string_view prediction_id) override;
  Status FinishJob(std::string_view job_id, std::string_view instance, JobStatus status,
                   std::string_view error_code, std::string_view error_message,
                   int64_t now_ms) override;
  Result<JobRecord> RequestCancel(std::string_view user_id, std::string_view job_id,
                                  int64_t now_ms) override;
  Result<int64_t> ReleaseLeases(std::string_view instance) override;
  Result<QuotaUsage> GetQuotaUsage(std::string_view user_id, int64_t since_ms) override;
  Result<int64_t> CountJobs(JobStatus status) override;

 private:
  sqlite::ConnectionPool& pool_;
};

}  // namespace noisett::catalog
