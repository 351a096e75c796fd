// Contract: the job queue (job_queue.h) behind Catalog::jobs() — create and read, ownership,
// claims (order, generators, expired and live leases), lease checks, finishing and its effect on
// the job's generation, cancel requests, released leases, quota usage and counts. The race of
// many claimers on two handles of one database is jobs_concurrency_contract_test.cc.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog_contract.h"

namespace noisett::catalog::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // milliseconds

// A job as the catalog answers it right after CreateJob(MakeJob(...)).
JobRecord AsCreated(const JobRecord& in) {
  JobRecord out = in;
  out.status = JobStatus::kQueued;
  out.lease_owner.clear();
  out.lease_expires_at_ms = 0;
  out.predictions.assign(in.seeds.size(), "");
  return out;
}

TEST_P(CatalogContractTest, JobCreateThenGetRoundTripsEveryField) {
  JobRecord in = MakeJob("alice", "job-1", kT0 + 1234, 3);
  in.seeds = {7, -8, 9000000000};
  // What CreateJob records whatever it is given: queued, no lease, no predictions.
  in.status = JobStatus::kRunning;
  in.lease_owner = "someone";
  in.lease_expires_at_ms = 99;
  in.predictions = {"x"};
  ASSERT_TRUE(catalog().jobs().CreateJob(in));
  auto out = catalog().jobs().GetJob("alice", "job-1");
  ASSERT_TRUE(out) << Describe(out);
  EXPECT_EQ(*out, AsCreated(in));
  EXPECT_FALSE(out->started_at_ms.has_value());
  EXPECT_FALSE(out->finished_at_ms.has_value());
  EXPECT_EQ(out->attempts, 0);
  EXPECT_FALSE(out->cancel_requested);
  EXPECT_EQ(out->stored_images, 0);

  // Its generation: same id and request, created_at in seconds, no images; history lists it.
  auto g = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(g) << Describe(g);
  EXPECT_EQ(g->user_id, "alice");
  EXPECT_EQ(g->prompt, in.prompt);
  EXPECT_EQ(g->asset_type, in.asset_type);
  EXPECT_EQ(g->quality, in.quality);
  EXPECT_EQ(g->model, in.model);
  EXPECT_EQ(g->created_at, (kT0 + 1234) / 1000);
  EXPECT_FALSE(g->deleted_at.has_value());
  EXPECT_TRUE(g->images.empty());
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total_count, 1);
}

TEST_P(CatalogContractTest, JobOfAnotherUserIsJobNotFound) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  JobQueue& jobs = catalog().jobs();
  EXPECT_TRUE(FailsWith(jobs.GetJob("bob", "job-1"), ErrorCode::kNotFound, "job_not_found"));
  EXPECT_TRUE(
      FailsWith(jobs.RequestCancel("bob", "job-1", kT0), ErrorCode::kNotFound, "job_not_found"));
  EXPECT_TRUE(FailsWith(jobs.GetJob("alice", "nope"), ErrorCode::kNotFound, "job_not_found"));
  EXPECT_TRUE(
      FailsWith(jobs.RequestCancel("alice", "nope", kT0), ErrorCode::kNotFound, "job_not_found"));
  auto unfinished = jobs.ListUnfinishedJobs("bob");
  ASSERT_TRUE(unfinished);
  EXPECT_TRUE(unfinished->empty());
  auto usage = jobs.GetQuotaUsage("bob", 0);
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->active_jobs, 0);
  EXPECT_EQ(usage->images, 0);
  // Bob's cancel left it alone.
  auto job = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_FALSE(job->cancel_requested);
}

TEST_P(CatalogContractTest, JobTakenIdIsJobExists) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  EXPECT_TRUE(FailsWith(catalog().jobs().CreateJob(MakeJob("bob", "job-1", kT0 + 1)),
                        ErrorCode::kConflict, "job_exists"));
  // An id a generation holds (an upload's) is taken too.
  Insert("alice", "upload-1", 100, 1);
  EXPECT_TRUE(FailsWith(catalog().jobs().CreateJob(MakeJob("alice", "upload-1", kT0)),
                        ErrorCode::kConflict, "job_exists"));
  // So is the id of a finished job whose empty generation went away; nothing is half made.
  CreateJob(MakeJob("alice", "job-2", kT0));
  ASSERT_EQ(Claim("a", kT0), "job-1");
  ASSERT_EQ(Claim("a", kT0), "job-2");
  ASSERT_TRUE(catalog().jobs().FinishJob("job-2", "a", JobStatus::kFailed, "", "", kT0));
  EXPECT_TRUE(FailsWith(catalog().jobs().CreateJob(MakeJob("alice", "job-2", kT0)),
                        ErrorCode::kConflict, "job_exists"));
  EXPECT_TRUE(
      FailsWith(catalog().GetGeneration("alice", "job-2"), ErrorCode::kNotFound, "job_not_found"));
  auto first = catalog().jobs().GetJob("alice", "job-1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->prompt, MakeJob("alice", "job-1", kT0).prompt);
  EXPECT_TRUE(
      FailsWith(catalog().jobs().GetJob("bob", "job-1"), ErrorCode::kNotFound, "job_not_found"));
}

TEST_P(CatalogContractTest, JobBadRequestsAreBadJob) {
  JobQueue& jobs = catalog().jobs();
  for (int seeds : {0, 9}) {
    EXPECT_TRUE(FailsWith(jobs.CreateJob(MakeJob("alice", "bad", kT0, seeds)),
                          ErrorCode::kInvalidArgument, "bad_job"))
        << seeds;
  }
  EXPECT_FALSE(jobs.GetJob("alice", "bad"));
  EXPECT_FALSE(catalog().GetGeneration("alice", "bad"));

  CreateJob(MakeJob("alice", "job-1", kT0, 2));
  EXPECT_TRUE(FailsWith(jobs.ClaimJob("", {"noise"}, kT0, kLeaseMs), ErrorCode::kInvalidArgument,
                        "bad_job"));
  ASSERT_EQ(Claim("a", kT0), "job-1");
  for (int index : {-1, 2, 8}) {
    EXPECT_TRUE(FailsWith(jobs.RecordPrediction("job-1", "a", index, "p"),
                          ErrorCode::kInvalidArgument, "bad_job"))
        << index;
  }
  for (JobStatus status : {JobStatus::kQueued, JobStatus::kRunning}) {
    EXPECT_TRUE(FailsWith(jobs.FinishJob("job-1", "a", status, "", "", kT0),
                          ErrorCode::kInvalidArgument, "bad_job"));
  }
  auto job = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kRunning);
  EXPECT_EQ(job->predictions, (std::vector<std::string>{"", ""}));
}

TEST_P(CatalogContractTest, JobUnfinishedListIsTheUsersOldestFirst) {
  CreateJob(MakeJob("alice", "job-c", kT0 + 3));
  CreateJob(MakeJob("alice", "job-a", kT0 + 1));
  CreateJob(MakeJob("alice", "job-b", kT0 + 2));
  CreateJob(MakeJob("bob", "job-z", kT0));
  ASSERT_EQ(Claim("a", kT0), "job-z");
  ASSERT_EQ(Claim("a", kT0), "job-a");
  ASSERT_TRUE(catalog().jobs().FinishJob("job-a", "a", JobStatus::kSucceeded, "", "", kT0));
  ASSERT_EQ(Claim("a", kT0), "job-b");  // running: still unfinished
  auto list = catalog().jobs().ListUnfinishedJobs("alice");
  ASSERT_TRUE(list) << Describe(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].job_id, "job-b");
  EXPECT_EQ((*list)[0].status, JobStatus::kRunning);
  EXPECT_EQ((*list)[1], AsCreated(MakeJob("alice", "job-c", kT0 + 3)));
}

TEST_P(CatalogContractTest, JobClaimTakesTheOldestAndHoldsItsLease) {
  CreateJob(MakeJob("alice", "job-3", kT0 + 3));
  CreateJob(MakeJob("bob", "job-1", kT0 + 1));
  CreateJob(MakeJob("alice", "job-2", kT0 + 2));
  auto claimed = catalog().jobs().ClaimJob("inst-a", {"noise"}, kT0 + 10, kLeaseMs);
  ASSERT_TRUE(claimed) << Describe(claimed);
  ASSERT_TRUE(claimed->has_value());
  const JobRecord& job = **claimed;
  EXPECT_EQ(job.job_id, "job-1");
  EXPECT_EQ(job.user_id, "bob");
  EXPECT_EQ(job.status, JobStatus::kRunning);
  EXPECT_EQ(job.lease_owner, "inst-a");
  EXPECT_EQ(job.lease_expires_at_ms, kT0 + 10 + kLeaseMs);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.started_at_ms, kT0 + 10);
  EXPECT_FALSE(job.finished_at_ms.has_value());
  auto read = catalog().jobs().GetJob("bob", "job-1");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, job);
  EXPECT_EQ(Claim("inst-b", kT0 + 10), "job-2");
  EXPECT_EQ(Claim("inst-a", kT0 + 10), "job-3");
  EXPECT_EQ(Claim("inst-a", kT0 + 10), "");
}

TEST_P(CatalogContractTest, JobClaimTakesOnlyTheNamedGenerators) {
  CreateJob(MakeJob("alice", "job-r", kT0, 1, "replicate"));
  CreateJob(MakeJob("alice", "job-n", kT0 + 1, 1, "noise"));
  JobQueue& jobs = catalog().jobs();
  EXPECT_EQ(Claim("a", kT0 + 5), "job-n");
  EXPECT_EQ(Claim("a", kT0 + 5), "");
  auto none = jobs.ClaimJob("a", {}, kT0 + 5, kLeaseMs);
  ASSERT_TRUE(none) << Describe(none);
  EXPECT_FALSE(none->has_value());
  auto other = jobs.ClaimJob("a", {"other", "replicate"}, kT0 + 5, kLeaseMs);
  ASSERT_TRUE(other) << Describe(other);
  ASSERT_TRUE(other->has_value());
  EXPECT_EQ((*other)->job_id, "job-r");
}

// An instance died holding a job: once its lease has expired the next claim takes the job over,
// with the predictions already made, and the dead instance's calls are refused.
TEST_P(CatalogContractTest, JobClaimReattachesToAnExpiredLease) {
  CreateJob(MakeJob("alice", "job-1", kT0, 2));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  ASSERT_TRUE(jobs.RecordPrediction("job-1", "inst-a", 0, "pred,abc/1"));
  EXPECT_EQ(Claim("inst-b", kT0 + kLeaseMs - 1), "");  // still live
  EXPECT_EQ(Claim("inst-b", kT0 + kLeaseMs), "");      // expires at, not before, now
  auto taken = jobs.ClaimJob("inst-b", {"noise"}, kT0 + kLeaseMs + 1, kLeaseMs);
  ASSERT_TRUE(taken) << Describe(taken);
  ASSERT_TRUE(taken->has_value());
  const JobRecord& job = **taken;
  EXPECT_EQ(job.job_id, "job-1");
  EXPECT_EQ(job.predictions, (std::vector<std::string>{"pred,abc/1", ""}));
  EXPECT_EQ(job.attempts, 2);
  EXPECT_EQ(job.started_at_ms, kT0);  // the first claim's
  EXPECT_EQ(job.lease_owner, "inst-b");
  EXPECT_EQ(job.lease_expires_at_ms, kT0 + 2 * kLeaseMs + 1);
  EXPECT_TRUE(FailsWith(jobs.RenewLease("job-1", "inst-a", kT0 + 5 * kLeaseMs),
                        ErrorCode::kConflict, "lease_lost"));
  EXPECT_TRUE(FailsWith(jobs.RecordPrediction("job-1", "inst-a", 1, "late"), ErrorCode::kConflict,
                        "lease_lost"));
  EXPECT_TRUE(FailsWith(jobs.FinishJob("job-1", "inst-a", JobStatus::kFailed, "", "", kT0),
                        ErrorCode::kConflict, "lease_lost"));
  ASSERT_TRUE(jobs.RecordPrediction("job-1", "inst-b", 1, "pred-2"));
  auto now = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->predictions, (std::vector<std::string>{"pred,abc/1", "pred-2"}));
  EXPECT_EQ(now->status, JobStatus::kRunning);
}

TEST_P(CatalogContractTest, JobRenewByAnotherInstanceIsLeaseLost) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  EXPECT_TRUE(FailsWith(jobs.RenewLease("job-1", "inst-b", kT0 + 2 * kLeaseMs),
                        ErrorCode::kConflict, "lease_lost"));
  EXPECT_TRUE(FailsWith(jobs.RenewLease("job-1", "", kT0 + 2 * kLeaseMs), ErrorCode::kConflict,
                        "lease_lost"));
  EXPECT_TRUE(
      FailsWith(jobs.RenewLease("nope", "inst-a", kT0), ErrorCode::kNotFound, "job_not_found"));
  auto renewed = jobs.RenewLease("job-1", "inst-a", kT0 + 2 * kLeaseMs);
  ASSERT_TRUE(renewed) << Describe(renewed);
  EXPECT_EQ(renewed->lease_expires_at_ms, kT0 + 2 * kLeaseMs);
  EXPECT_EQ(renewed->lease_owner, "inst-a");
  EXPECT_FALSE(renewed->cancel_requested);
  // Renewed past the first expiry: not claimable then.
  EXPECT_EQ(Claim("inst-b", kT0 + kLeaseMs + 1), "");
  auto read = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, *renewed);
}

TEST_P(CatalogContractTest, JobFinishByAnotherInstanceIsLeaseLost) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  CreateJob(MakeJob("alice", "job-2", kT0 + 1));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  EXPECT_TRUE(FailsWith(jobs.FinishJob("job-1", "inst-b", JobStatus::kSucceeded, "", "", kT0),
                        ErrorCode::kConflict, "lease_lost"));
  // A queued job has no lease to finish under; a missing one is not found.
  EXPECT_TRUE(FailsWith(jobs.FinishJob("job-2", "inst-a", JobStatus::kFailed, "", "", kT0),
                        ErrorCode::kConflict, "lease_lost"));
  EXPECT_TRUE(FailsWith(jobs.FinishJob("nope", "inst-a", JobStatus::kFailed, "", "", kT0),
                        ErrorCode::kNotFound, "job_not_found"));
  ASSERT_TRUE(jobs.FinishJob("job-1", "inst-a", JobStatus::kFailed, "", "", kT0 + 5));
  // Finished: the holder's lease went with it.
  EXPECT_TRUE(FailsWith(jobs.FinishJob("job-1", "inst-a", JobStatus::kSucceeded, "", "", kT0),
                        ErrorCode::kConflict, "lease_lost"));
  EXPECT_TRUE(FailsWith(jobs.RenewLease("job-1", "inst-a", kT0 + kLeaseMs), ErrorCode::kConflict,
                        "lease_lost"));
  auto job = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kFailed);
  EXPECT_EQ(job->finished_at_ms, kT0 + 5);
}

TEST_P(CatalogContractTest, JobFinishedWithoutImagesLosesItsGeneration) {
  CreateJob(MakeJob("alice", "job-1", kT0, 2));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  ASSERT_TRUE(jobs.FinishJob("job-1", "inst-a", JobStatus::kFailed, "upstream_failed",
                             "the provider said no", kT0 + 700));
  auto job = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(job->status, JobStatus::kFailed);
  EXPECT_EQ(job->finished_at_ms, kT0 + 700);
  EXPECT_EQ(job->error_code, "upstream_failed");
  EXPECT_EQ(job->error_message, "the provider said no");
  EXPECT_EQ(job->lease_owner, "");
  EXPECT_EQ(job->lease_expires_at_ms, 0);
  EXPECT_EQ(job->stored_images, 0);
  EXPECT_TRUE(FailsWith(catalog().GetGeneration("alice", "job-1", true), ErrorCode::kNotFound,
                        "job_not_found"));
  auto page = catalog().ListGenerations("alice", {50, ""});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total_count, 0);
  EXPECT_TRUE(page->items.empty());
}

TEST_P(CatalogContractTest, JobSucceededWithImagesKeepsItsGeneration) {
  CreateJob(MakeJob("alice", "job-1", kT0, 3));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  for (int index : {0, 2}) {
    ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", index)));
  }
  auto running = jobs.RenewLease("job-1", "inst-a", kT0 + kLeaseMs);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->stored_images, 2);
  ASSERT_TRUE(jobs.FinishJob("job-1", "inst-a", JobStatus::kSucceeded, "", "", kT0 + 900));
  auto job = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kSucceeded);
  EXPECT_EQ(job->stored_images, 2);
  auto g = catalog().GetGeneration("alice", "job-1");
  ASSERT_TRUE(g) << Describe(g);
  ASSERT_EQ(g->images.size(), 2u);
  EXPECT_EQ(g->images[1].index, 2);
}

TEST_P(CatalogContractTest, JobCancelOfAQueuedJobEndsItAtOnce) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  auto job = catalog().jobs().RequestCancel("alice", "job-1", kT0 + 50);
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(job->status, JobStatus::kCanceled);
  EXPECT_EQ(job->finished_at_ms, kT0 + 50);
  EXPECT_TRUE(job->cancel_requested);  // the owner asked: kept as a record of who ended it
  EXPECT_EQ(job->stored_images, 0);
  EXPECT_FALSE(catalog().GetGeneration("alice", "job-1"));
  EXPECT_EQ(Claim("inst-a", kT0 + 60), "");
  auto read = catalog().jobs().GetJob("alice", "job-1");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, *job);
  auto list = catalog().jobs().ListUnfinishedJobs("alice");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

TEST_P(CatalogContractTest, JobCancelOfARunningJobAsksItsRunner) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  auto job = jobs.RequestCancel("alice", "job-1", kT0 + 50);
  ASSERT_TRUE(job) << Describe(job);
  EXPECT_EQ(job->status, JobStatus::kRunning);
  EXPECT_TRUE(job->cancel_requested);
  EXPECT_FALSE(job->finished_at_ms.has_value());
  EXPECT_EQ(job->lease_owner, "inst-a");
  EXPECT_TRUE(catalog().GetGeneration("alice", "job-1"));
  auto renewed = jobs.RenewLease("job-1", "inst-a", kT0 + kLeaseMs);
  ASSERT_TRUE(renewed);
  EXPECT_TRUE(renewed->cancel_requested);  // what the runner reads
  ASSERT_TRUE(jobs.FinishJob("job-1", "inst-a", JobStatus::kCanceled, "", "", kT0 + 80));
  auto done = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, JobStatus::kCanceled);
  EXPECT_FALSE(catalog().GetGeneration("alice", "job-1"));
}

TEST_P(CatalogContractTest, JobCancelOfAFinishedJobLeavesIt) {
  CreateJob(MakeJob("alice", "job-1", kT0));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  ASSERT_TRUE(catalog().AddImage("alice", "job-1", MakeImage("alice", "job-1", 0)));
  ASSERT_TRUE(jobs.FinishJob("job-1", "inst-a", JobStatus::kSucceeded, "", "", kT0 + 10));
  auto before = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(before);
  auto after = jobs.RequestCancel("alice", "job-1", kT0 + 20);
  ASSERT_TRUE(after) << Describe(after);
  EXPECT_EQ(*after, *before);
  EXPECT_EQ(after->status, JobStatus::kSucceeded);
  EXPECT_FALSE(after->cancel_requested);
  EXPECT_EQ(after->stored_images, 1);
}

// A graceful stop: the stopping instance's jobs stay running, claimable at once by any other.
TEST_P(CatalogContractTest, JobReleasedLeasesAreClaimedAtOnce) {
  CreateJob(MakeJob("alice", "job-1", kT0 + 1));
  CreateJob(MakeJob("alice", "job-2", kT0 + 2));
  CreateJob(MakeJob("alice", "job-3", kT0 + 3));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("inst-a", kT0), "job-1");
  ASSERT_EQ(Claim("inst-c", kT0), "job-2");
  ASSERT_EQ(Claim("inst-a", kT0), "job-3");
  auto released = jobs.ReleaseLeases("inst-a");
  ASSERT_TRUE(released) << Describe(released);
  EXPECT_EQ(*released, 2);
  auto job = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kRunning);
  EXPECT_EQ(job->lease_owner, "");
  EXPECT_TRUE(FailsWith(jobs.RenewLease("job-1", "inst-a", kT0 + kLeaseMs), ErrorCode::kConflict,
                        "lease_lost"));
  EXPECT_EQ(Claim("inst-b", kT0 + 1), "job-1");
  EXPECT_EQ(Claim("inst-b", kT0 + 1), "job-3");  // job-2's lease (inst-c) is live
  EXPECT_EQ(Claim("inst-b", kT0 + 1), "");
  auto again = jobs.GetJob("alice", "job-1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(again->lease_owner, "inst-b");
  auto none = jobs.ReleaseLeases("inst-a");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(jobs.RenewLease("job-2", "inst-c", kT0 + kLeaseMs));
}

TEST_P(CatalogContractTest, JobQuotaUsageCountsActiveJobsAndImagesSince) {
  const int64_t since = kT0 + 1000;
  JobQueue& jobs = catalog().jobs();
  CreateJob(MakeJob("alice", "old", since - 1, 3));     // active, before the window
  CreateJob(MakeJob("alice", "running", since, 4));     // active: its 4 asked for
  CreateJob(MakeJob("alice", "stored", since + 1, 4));  // finished: its 1 stored image
  CreateJob(MakeJob("alice", "empty", since + 2, 2));   // finished without images: 0
  CreateJob(MakeJob("alice", "queued", since + 3, 2));  // active: its 2
  CreateJob(MakeJob("bob", "bobs", since + 4, 8));      // another user's
  ASSERT_EQ(Claim("a", kT0), "old");
  ASSERT_EQ(Claim("a", kT0), "running");
  ASSERT_EQ(Claim("a", kT0), "stored");
  ASSERT_EQ(Claim("a", kT0), "empty");
  ASSERT_TRUE(catalog().AddImage("alice", "stored", MakeImage("alice", "stored", 0)));
  ASSERT_TRUE(jobs.FinishJob("stored", "a", JobStatus::kSucceeded, "", "", since + 10));
  ASSERT_TRUE(jobs.FinishJob("empty", "a", JobStatus::kFailed, "", "", since + 10));
  auto usage = jobs.GetQuotaUsage("alice", since);
  ASSERT_TRUE(usage) << Describe(usage);
  EXPECT_EQ(usage->active_jobs, 3);  // old, running, queued
  EXPECT_EQ(usage->images, 4 + 1 + 0 + 2);
  auto all = jobs.GetQuotaUsage("alice", 0);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->images, 3 + 4 + 1 + 0 + 2);
  auto later = jobs.GetQuotaUsage("alice", since + 4);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->active_jobs, 3);
  EXPECT_EQ(later->images, 0);
}

TEST_P(CatalogContractTest, JobCountsByStatusOverAllUsers) {
  CreateJob(MakeJob("alice", "job-1", kT0 + 1));
  CreateJob(MakeJob("bob", "job-2", kT0 + 2));
  CreateJob(MakeJob("carol", "job-3", kT0 + 3));
  CreateJob(MakeJob("alice", "job-4", kT0 + 4));
  JobQueue& jobs = catalog().jobs();
  ASSERT_EQ(Claim("a", kT0), "job-1");
  ASSERT_EQ(Claim("a", kT0), "job-2");
  ASSERT_TRUE(jobs.FinishJob("job-2", "a", JobStatus::kFailed, "", "", kT0));
  ASSERT_TRUE(jobs.RequestCancel("carol", "job-3", kT0));
  const std::vector<std::pair<JobStatus, int64_t>> want = {{JobStatus::kQueued, 1},
                                                           {JobStatus::kRunning, 1},
                                                           {JobStatus::kSucceeded, 0},
                                                           {JobStatus::kFailed, 1},
                                                           {JobStatus::kCanceled, 1}};
  for (const auto& [status, count] : want) {
    auto counted = jobs.CountJobs(status);
    ASSERT_TRUE(counted) << Describe(counted);
    EXPECT_EQ(*counted, count) << JobStatusName(status);
  }
}

}  // namespace
}  // namespace noisett::catalog::testing
