// The durable queue of generation jobs (issue 22), kept in the catalog's database beside the
// generations it fills: SQLite on the embedded default, PostgreSQL at scale. A job is recorded
// `queued` with its request; a runner claims it with a lease it renews; the upstream prediction
// ids are recorded as they are made, so a runner that takes over an expired lease re-attaches to
// them instead of paying the provider twice; images go into the job's generation (Catalog::AddImage)
// as each is stored; the runner that holds the lease finishes the job.
//
// Each job has a generation of the same id, made with the job (no images yet): history.list shows
// it while it runs, and a job that ends without an image takes its generation with it.
//
// Every call that names a user answers another user's job exactly like a missing one
// ("job_not_found"). Times are milliseconds since the epoch here (leases are seconds long); the
// generation's created_at stays in seconds like every catalog time.
//
// Thread safety: safe to share between threads and between processes on the same database. On
// PostgreSQL a claim is `SELECT ... FOR UPDATE SKIP LOCKED`: two instances never claim one job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::catalog {

enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kCanceled };

// "queued", "running", "succeeded", "failed", "canceled".
std::string_view JobStatusName(JobStatus status);
std::optional<JobStatus> ParseJobStatus(std::string_view name);
inline bool IsFinished(JobStatus s) { return s != JobStatus::kQueued && s != JobStatus::kRunning; }

struct JobRecord {
  std::string job_id;  // also its generation's id
  std::string user_id;
  std::string prompt;
  std::string asset_type;
  std::string quality;
  std::string model;
  std::string generator;       // "noise", "replicate": the one that must run it
  std::vector<int64_t> seeds;  // one per image, 1..8
  JobStatus status = JobStatus::kQueued;
  int64_t created_at_ms = 0;
  std::optional<int64_t> started_at_ms;   // first claim
  std::optional<int64_t> finished_at_ms;  // set with a finished status
  // The instance holding the job and until when; empty / 0 while queued or finished.
  std::string lease_owner;
  int64_t lease_expires_at_ms = 0;
  int attempts = 0;               // claims so far (a job whose instances keep dying is failed)
  bool cancel_requested = false;  // its owner asked while it ran; the runner stops it
  // Upstream prediction ids by image index ("" where none was made yet); seeds.size() entries.
  std::vector<std::string> predictions;
  std::string error_code;  // set when failed (or canceled with a reason)
  std::string error_message;
  int stored_images = 0;  // images in its generation (read-only: Catalog::AddImage adds them)

  friend bool operator==(const JobRecord&, const JobRecord&) = default;
};

struct QuotaUsage {
  int64_t active_jobs = 0;  // queued or running
  // Images of the user's jobs created at or after `since`: a finished job's stored images, an
  // unfinished job's requested count.
  int64_t images = 0;
};

// Errors (reason): "job_not_found"; "job_exists" (CreateJob with a taken id); "lease_lost" (a
// call by an instance that no longer holds the job's lease, kConflict: another took over);
// "bad_job" (kInvalidArgument: no seeds or more than 8, a status that is not a finish);
// "catalog_unavailable", "catalog_busy" as every catalog call.
class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Records `job` (status queued, no lease, predictions all "") and its generation (same id,
  // user, prompt, asset_type, quality, model, created_at = created_at_ms / 1000, no images), in
  // one transaction.
  virtual Status CreateJob(const JobRecord& job) = 0;

  // The user's job. Errors: "job_not_found".
  virtual Result<JobRecord> GetJob(std::string_view user_id, std::string_view job_id) = 0;

  // The user's queued and running jobs, oldest first.
  virtual Result<std::vector<JobRecord>> ListUnfinishedJobs(std::string_view user_id) = 0;

  // Takes the oldest job that is queued, or running with a lease expired before `now_ms` (its
  // instance died), for `instance` until now_ms + lease_ms: status running, attempts + 1,
  // started_at_ms set on the first claim. Only jobs of the named generators (the ones this
  // instance can run). nullopt when there is none.
  virtual Result<std::optional<JobRecord>> ClaimJob(std::string_view instance,
                                                    const std::vector<std::string>& generators,
                                                    int64_t now_ms, int64_t lease_ms) = 0;

  // Extends the lease of a job `instance` holds to `expires_at_ms`. Answers the job as it is now
  // (the runner reads cancel_requested from it). Errors: "job_not_found", "lease_lost".
  virtual Result<JobRecord> RenewLease(std::string_view job_id, std::string_view instance,
                                       int64_t expires_at_ms) = 0;

  // Records the upstream prediction of image `index` (0..seeds-1). Errors: "job_not_found",
  // "lease_lost", "bad_job" (index out of range).
  virtual Status RecordPrediction(std::string_view job_id, std::string_view instance, int index,
                                  std::string_view prediction_id) = 0;

  // Ends a job `instance` holds: `status` is succeeded, failed or canceled; the lease is dropped,
  // finished_at_ms = now_ms. A job that ends with no stored image loses its generation (history
  // does not list an empty entry); the job record stays. Errors: "job_not_found", "lease_lost",
  // "bad_job" (status not a finish).
  virtual Status FinishJob(std::string_view job_id, std::string_view instance, JobStatus status,
                           std::string_view error_code, std::string_view error_message,
                           int64_t now_ms) = 0;

  // The owner asks to stop a job: a queued one is canceled at once (finished_at_ms = now_ms, its
  // empty generation removed); a running one gets cancel_requested (its runner stops it); a
  // finished one is left as it is. Answers the job after the call. Errors: "job_not_found".
  virtual Result<JobRecord> RequestCancel(std::string_view user_id, std::string_view job_id,
                                          int64_t now_ms) = 0;

  // Gives up every lease `instance` holds (graceful stop): its running jobs stay running with an
  // expired lease, so the next claim by any instance resumes them. Answers how many.
  virtual Result<int64_t> ReleaseLeases(std::string_view instance) = 0;

  // The user's use of the generation quotas.
  virtual Result<QuotaUsage> GetQuotaUsage(std::string_view user_id, int64_t since_ms) = 0;

  // Jobs queued, over all users (the instance's queue limit), and running.
  virtual Result<int64_t> CountJobs(JobStatus status) = 0;
};

}  // namespace noisett::catalog
