// Internal to PostgresCatalog: PostgresJobQueue, the JobQueue (job_queue.h) on the catalog's
// database, in the jobs table (postgres_migrations.cc, version 4) beside the generations it
// fills. PostgresCatalog owns one and shares its connection pool with it, so a job and its
// generation change in one transaction.
//
// Many instances share the queue: a claim takes its job with SELECT ... FOR UPDATE SKIP LOCKED,
// so two instances never claim one job and neither waits for the other; every other write locks
// the job row (FOR UPDATE) while it checks the lease and changes the job.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/job_queue.h"
#include "catalog/postgres_pool.h"
#include "core/result.h"

namespace noisett::catalog {

class PostgresJobQueue final : public JobQueue {
 public:
  // REQUIRES: `pool`'s database is migrated and the pool outlives this queue.
  explicit PostgresJobQueue(pg::Pool& pool) : pool_(pool) {}

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
  pg::Pool& pool_;
};

}  // namespace noisett::catalog
