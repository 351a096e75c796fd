// Generation jobs on the real service (testing::TestApp: the local store and SQLite, or
// PostgreSQL when the run has one, for the "Postgres" suites): 202 at once, the runner on its own
// threads, cancel, quotas and the queue limit, and jobs taken over from an instance that died
// (a local generator's job resumed; a remote one's predictions re-attached, never paid twice).
// The generators here are in-process stand-ins that wait until the test lets them go, so every
// state is reached on purpose, not by timing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "image/test_images.h"
#include "service/generation_jobs.h"
#include "support/test_app.h"

namespace noisett::service {
namespace {

using Json = nlohmann::json;
using noisett::testing::TestApp;
using noisett::testing::TestAppOptions;

// A small real image, what every stand-in makes.
const std::string& Png() {
  static const std::string png = noisett::testing::ToPng(noisett::testing::Textured(96, 64));
  return png;
}

// Opens and closes a gate the generators wait at: Allow(n) lets n more images through.
class Gate {
 public:
  void Allow(int n) {
    std::lock_guard lock(mu_);
    allowed_ += n;
    cv_.notify_all();
  }
  void Open() { Allow(1 << 20); }
  // Waits for a pass; false after 20 s (a broken test must not hang the suite).
  bool Pass() {
    std::unique_lock lock(mu_);
    ++waiting_;
    cv_.notify_all();
    const bool ok = cv_.wait_for(lock, std::chrono::seconds(20), [&] { return allowed_ > 0; });
    --waiting_;
    if (ok) --allowed_;
    return ok;
  }
  // Waits until `n` callers wait at the gate.
  bool AwaitWaiting(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return waiting_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int allowed_ = 0;
  int waiting_ = 0;
};

// A local generator whose every image waits at the gate. `fail_at`: the image (by call) that
// fails with generator_failed instead.
class GateGenerator final : public generate::Generator {
 public:
  explicit GateGenerator(Gate& gate) : gate_(gate) {}
  void FailAt(int call) { fail_at_ = call; }
  std::string_view name() const override { return "gate"; }
  std::string default_model() const override { return "gate-v1"; }
  Result<std::vector<generate::GeneratedImage>> Generate(
      const generate::GenerateRequest& request) override {
    const int call = calls_++;
    if (!gate_.Pass()) return Unexpected(MakeError(ErrorCode::kInternal, "gate", "stuck"));
    if (call == fail_at_) {
      return Unexpected(MakeError(ErrorCode::kInternal, "generator_failed", "the model broke"));
    }
    std::vector<generate::GeneratedImage> out;
    for (int64_t seed : request.seeds) out.push_back({seed, Png()});
    return out;
  }
  int calls() const { return calls_; }

 private:
  Gate& gate_;
  std::atomic<int> fail_at_{-1};
  std::atomic<int> calls_{0};
};

// A remote generator: predictions "p-SEED" that run until the test says they are done.
class RemoteStandIn final : public generate::Generator {
 public:
  std::string_view name() const override { return "remote"; }
  std::string default_model() const override { return "remote-v1"; }
  Result<std::vector<generate::GeneratedImage>> Generate(const generate::GenerateRequest&) override {
    return Unexpected(MakeError(ErrorCode::kInternal, "generator_failed", "remote only"));
  }
  bool remote() const override { return true; }
  Result<std::string> StartImage(const generate::GenerateRequest&, int64_t seed) override {
    std::lock_guard lock(mu_);
    started_.push_back(seed);
    return "p-" + std::to_string(seed);
  }
  Result<std::optional<generate::GeneratedImage>> PollImage(const std::string& id,
                                                            int64_t seed) override {
    std::lock_guard lock(mu_);
    polled_.insert(id);
    if (!done_) return std::optional<generate::GeneratedImage>();
    return std::optional<generate::GeneratedImage>(generate::GeneratedImage{seed, Png()});
  }
  void CancelImage(const std::string& id) override {
    std::lock_guard lock(mu_);
    canceled_.insert(id);
  }
  void Finish() {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  std::vector<int64_t> started() {
    std::lock_guard lock(mu_);
    return started_;
  }
  std::set<std::string> polled() {
    std::lock_guard lock(mu_);
    return polled_;
  }
  std::set<std::string> canceled() {
    std::lock_guard lock(mu_);
    return canceled_;
  }

 private:
  std::mutex mu_;
  bool done_ = false;
  std::vector<int64_t> started_;
  std::set<std::string> polled_;
  std::set<std::string> canceled_;
};

class JobsTest : public ::testing::TestWithParam<bool> {
 protected:
  // The runner calls the generators until the App closes, and waits for the images being made:
  // open the gate, then close the App, before the generators go.
  ~JobsTest() override {
    gate.Open();
    app_.reset();
  }

  // The App with `with_generator`, its runner started unless `runner` is false.
  void Open(generate::Generator* with_generator, app::Flags settings = {}, bool runner = true) {
    TestAppOptions options{.postgres = GetParam(), .generator = with_generator};
    options.settings = std::move(settings);
    options.job_runner = runner;
    app_ = std::make_unique<TestApp>(std::move(options));
    if (app_->unavailable()) GTEST_SKIP() << app_->error();
    ASSERT_TRUE(app_->ok()) << app_->error();
  }
  catalog::JobQueue& queue() { return app_->app().catalog().jobs(); }

  Result<Json> Try(const std::string& command, const Json& args, const std::string& user = "alice",
                   bool admin = false) {
    return app_->Run(command, TestApp::User(user, admin), args);
  }
  Json Run(const std::string& command, const Json& args, const std::string& user = "alice") {
    auto out = Try(command, args, user);
    EXPECT_TRUE(out) << command << ": " << out.error().ToString();
    return out ? *out : Json::object();
  }
  // The job once `done(job)` holds, polled through jobs.get.
  Json AwaitJob(const std::string& id, const std::function<bool(const Json&)>& done,
                const std::string& user = "alice") {
    Json job;
    for (int i = 0; i < 2000; ++i) {
      job = Run("jobs.get", {{"job_id", id}}, user);
      if (done(job)) return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " never got there: " << job.dump();
    return job;
  }
  Json AwaitStatus(const std::string& id, const std::string& status) {
    return AwaitJob(id, [&](const Json& j) { return j["status"] == status; });
  }
  static int Stored(const Json& job) {
    int n = 0;
    for (const Json& image : job["images"]) n += image["status"] == "stored";
    return n;
  }

  // The stand-ins every test uses (members, so that they outlive the App).
  Gate gate;
  GateGenerator generator{gate};
  RemoteStandIn remote;
  std::unique_ptr<TestApp> app_;
};

TEST_P(JobsTest, AnswersQueuedAtOnceAndTheRunnerStoresEachImage) {
  Open(&generator);
  Json queued = Run("generate", {{"prompt", "a slow model"}, {"count", 2}, {"seed", 11}});
  const std::string id = queued["job_id"];
  EXPECT_EQ(queued["status"], "queued");
  EXPECT_EQ(queued["generator"], "gate");
  EXPECT_EQ(queued["images"][0], (Json{{"index", 0}, {"seed", 11}, {"status", "pending"}}));
  EXPECT_TRUE(queued["started_at"].is_null());

  // While the model works, the job is running, and history lists it with that status.
  ASSERT_TRUE(gate.AwaitWaiting(1));
  Json running = AwaitStatus(id, "running");
  EXPECT_FALSE(running["started_at"].is_null());
  Json history = Run("history.list", Json::object());
  ASSERT_EQ(history["generations"].size(), 1u);
  EXPECT_EQ(history["generations"][0]["job_id"], id);
  EXPECT_EQ(history["generations"][0]["status"], "running");

  gate.Allow(1);
  Json half = AwaitJob(id, [](const Json& j) { return Stored(j) == 1; });
  // Whichever image came first is stored with its links; the other is still pending.
  const int first = half["images"][0]["status"] == "stored" ? 0 : 1;
  EXPECT_EQ(half["images"][first]["status"], "stored");
  EXPECT_FALSE(half["images"][first]["url"].get<std::string>().empty());
  EXPECT_EQ(half["images"][1 - first]["status"], "pending");

  gate.Allow(1);
  Json done = AwaitStatus(id, "succeeded");
  EXPECT_EQ(Stored(done), 2);
  EXPECT_FALSE(done["finished_at"].is_null());
  EXPECT_TRUE(done["error"].is_null());
  // A finished job is an ordinary history entry.
  history = Run("history.list", Json::object());
  EXPECT_FALSE(history["generations"][0].contains("status"));
  EXPECT_EQ(history["generations"][0]["image_count"], 2);
  // jobs.result answers what generate with "wait" would have.
  Json result = Run("jobs.result", {{"job_id", id}});
  EXPECT_EQ(result["images"].size(), 2u);
  EXPECT_EQ(result["metadata"]["images"][1]["seed"], 12);
}

// One job at a time, two pool threads (--generate-concurrency 1): its images are made two at a
// time.
TEST_P(JobsTest, CancelStopsARunningJobAndKeepsWhatIsStored) {
  Open(&generator, {{"--generate-concurrency", "1"}});
  const std::string id = Run("generate", {{"prompt", "stop me"}, {"count", 4}})["job_id"];
  gate.Allow(1);
  AwaitJob(id, [](const Json& j) { return Stored(j) == 1; });
  ASSERT_TRUE(gate.AwaitWaiting(2));  // images 2 and 3 are being made; 4 waits its turn
  Json asked = Run("jobs.cancel", {{"job_id", id}});
  EXPECT_EQ(asked["status"], "running");  // its runner stops it
  gate.Allow(2);                          // the images being made are still stored
  Json canceled = AwaitStatus(id, "canceled");
  EXPECT_EQ(Stored(canceled), 3);
  EXPECT_EQ(generator.calls(), 3);  // the 4th was never started
  Json entry = Run("history.get", {{"job_id", id}});
  EXPECT_EQ(entry["images"].size(), 3u);
  // Canceling a finished job changes nothing.
  EXPECT_EQ(Run("jobs.cancel", {{"job_id", id}})["status"], "canceled");
}

TEST_P(JobsTest, ACanceledQueuedJobLeavesNoHistoryEntry) {
  Open(&generator, {}, /*runner=*/false);
  const std::string id = Run("generate", {{"prompt", "never mind"}})["job_id"];
  Json canceled = Run("jobs.cancel", {{"job_id", id}});
  EXPECT_EQ(canceled["status"], "canceled");
  EXPECT_EQ(Run("history.list", Json::object())["total_count"], 0);
  EXPECT_EQ(generator.calls(), 0);
}

TEST_P(JobsTest, AFailedImageFailsTheJobWithItsReason) {
  gate.Open();
  generator.FailAt(1);
  Open(&generator);
  const std::string id = Run("generate", {{"prompt", "half"}, {"count", 3}})["job_id"];
  Json failed = AwaitStatus(id, "failed");
  EXPECT_EQ(failed["error"]["code"], "generator_failed");
  EXPECT_EQ(failed["error"]["message"], "the model broke");
  // Images are made side by side: those made (or being made) before the failure are kept, and
  // the failed one is not among them.
  EXPECT_GE(Stored(failed), 1);
  EXPECT_LE(Stored(failed), 2);
  auto result = Try("jobs.result", {{"job_id", id}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().reason, "generator_failed");
  // Read back from the job, the generator's failure is still a bad upstream (502), not a 500.
  EXPECT_EQ(result.error().code, ErrorCode::kUpstreamFailed);
}

TEST_P(JobsTest, ConcurrentJobsAreLimitedByTierButNotForAdmins) {
  Open(&generator, {{"--generate-quotas", "free=2/100"}});
  Run("generate", {{"prompt", "one"}, {"count", 1}});
  Run("generate", {{"prompt", "two"}, {"count", 1}});
  auto third = Try("generate", {{"prompt", "three"}, {"count", 1}});
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(third.error().reason, "quota_concurrent_jobs");
  EXPECT_NE(third.error().message.find("limit of 2 concurrent"), std::string::npos)
      << third.error().message;
  EXPECT_GT(third.error().retry_after_s, 0);
  EXPECT_TRUE(Try("generate", {{"prompt", "boss"}, {"count", 1}}, "root", /*admin=*/true));
  EXPECT_TRUE(Try("generate", {{"prompt", "other"}, {"count", 1}}, "bob"));
  gate.Open();
}

TEST_P(JobsTest, ImagesPerDayAreCountedOverTheLastDay) {
  gate.Open();
  Open(&generator, {{"--generate-quotas", "free=4/3,pro=4/unlimited"}});
  const std::string first = Run("generate", {{"prompt", "a"}, {"count", 2}})["job_id"];
  AwaitStatus(first, "succeeded");
  auto over = Try("generate", {{"prompt", "b"}, {"count", 2}});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().reason, "quota_images_per_day");
  EXPECT_NE(over.error().message.find("limit of 3 generated images per day"), std::string::npos)
      << over.error().message;
  EXPECT_GT(over.error().retry_after_s, 0);
  EXPECT_TRUE(Try("generate", {{"prompt", "c"}, {"count", 1}}));  // exactly the limit
  // Another tier, another limit.
  ASSERT_TRUE(app_->app().catalog().SetUserTier("alice", "pro"));
  EXPECT_TRUE(Try("generate", {{"prompt", "d"}, {"count", 4}}));
}

TEST_P(JobsTest, AFullQueueAnswersUnavailableWithRetryAfter) {
  Open(&generator, {{"--generate-queue-limit", "2"}}, /*runner=*/false);
  Run("generate", {{"prompt", "a"}, {"count", 1}});
  Run("generate", {{"prompt", "b"}, {"count", 1}}, "bob");
  auto full = Try("generate", {{"prompt", "c"}, {"count", 1}}, "carol");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(full.error().reason, "queue_full");
  EXPECT_GT(full.error().retry_after_s, 0);
}

// An instance claimed the job and died: once its lease expires, this one finishes the job.
TEST_P(JobsTest, AJobOfADeadInstanceIsResumedWhenItsLeaseExpires) {
  gate.Open();
  Open(&generator, {}, /*runner=*/false);
  const std::string id = Run("generate", {{"prompt", "orphan"}, {"count", 2}})["job_id"];
  const int64_t now = app_->app().clock().NowMillis();
  auto claimed = queue().ClaimJob("dead-instance", {"gate"}, now, /*lease_ms=*/1);
  ASSERT_TRUE(claimed && *claimed);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  app_->app().StartJobRunner();
  Json done = AwaitStatus(id, "succeeded");
  EXPECT_EQ(Stored(done), 2);
  auto record = queue().GetJob("alice", id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->attempts, 2);
  EXPECT_TRUE(record->lease_owner.empty());
}

// A remote job taken over: the prediction the dead instance recorded is polled, not made again.
TEST_P(JobsTest, ARemoteJobIsReattachedToItsPredictionsNotPaidTwice) {
  Open(&remote, {}, /*runner=*/false);
  const std::string id =
      Run("generate", {{"prompt", "remote"}, {"count", 2}, {"seed", 40}})["job_id"];
  const int64_t now = app_->app().clock().NowMillis();
  auto claimed = queue().ClaimJob("dead-instance", {"remote"}, now, /*lease_ms=*/1);
  ASSERT_TRUE(claimed && *claimed);
  ASSERT_TRUE(queue().RecordPrediction(id, "dead-instance", 0, "p-40"));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  app_->app().StartJobRunner();
  // The runner starts only the missing prediction and polls both while they run.
  AwaitJob(id, [&](const Json&) { return remote.polled().size() == 2; });
  EXPECT_EQ(remote.started(), std::vector<int64_t>{41});
  EXPECT_EQ(Run("jobs.get", {{"job_id", id}})["status"], "running");
  remote.Finish();
  Json done = AwaitStatus(id, "succeeded");
  EXPECT_EQ(Stored(done), 2);
  EXPECT_EQ(remote.started(), std::vector<int64_t>{41});
  auto record = queue().GetJob("alice", id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->predictions, (std::vector<std::string>{"p-40", "p-41"}));
}

TEST_P(JobsTest, CancelingARemoteJobCancelsItsPredictionsUpstream) {
  Open(&remote);
  const std::string id =
      Run("generate", {{"prompt", "remote"}, {"count", 2}, {"seed", 7}})["job_id"];
  AwaitJob(id, [&](const Json&) { return remote.started().size() == 2; });
  Run("jobs.cancel", {{"job_id", id}});
  AwaitStatus(id, "canceled");
  EXPECT_EQ(remote.canceled(), (std::set<std::string>{"p-7", "p-8"}));
}

// SIGTERM: the runner stops, the job stays running with no lease, and the next start finishes it.
TEST_P(JobsTest, AStoppedRunnerLeavesItsJobsToBeResumed) {
  Open(&generator, {{"--generate-concurrency", "1"}});
  const std::string id = Run("generate", {{"prompt", "interrupted"}, {"count", 4}})["job_id"];
  gate.Allow(1);
  AwaitJob(id, [](const Json& j) { return Stored(j) == 1; });
  ASSERT_TRUE(gate.AwaitWaiting(2));
  std::thread stop([&] { app_->app().StopJobRunner(); });
  gate.Allow(2);  // the images being made when the stop came are stored; the 4th is not begun
  stop.join();
  auto record = queue().GetJob("alice", id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->status, catalog::JobStatus::kRunning);
  EXPECT_TRUE(record->lease_owner.empty() || record->lease_expires_at_ms == 0);
  EXPECT_EQ(record->stored_images, 3);
  EXPECT_EQ(generator.calls(), 3);
  gate.Open();
  app_->Reopen();
  Json done = AwaitStatus(id, "succeeded");
  EXPECT_EQ(Stored(done), 4);
  EXPECT_EQ(generator.calls(), 4);  // the stored images were not made again
}

TEST_P(JobsTest, AJobWhoseInstancesKeepDyingIsFailedNotRetriedForever) {
  gate.Open();
  Open(&generator, {}, /*runner=*/false);
  const std::string id = Run("generate", {{"prompt", "poison"}, {"count", 1}})["job_id"];
  for (int i = 0; i < 3; ++i) {
    auto claimed = queue().ClaimJob("dying-" + std::to_string(i), {"gate"},
                                    app_->app().clock().NowMillis(), /*lease_ms=*/1);
    ASSERT_TRUE(claimed && *claimed);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  app_->app().StartJobRunner();
  Json failed = AwaitStatus(id, "failed");
  EXPECT_EQ(failed["error"]["code"], "job_abandoned");
  EXPECT_EQ(generator.calls(), 0);
}

TEST_P(JobsTest, OtherUsersCannotReadOrCancelAJob) {
  Open(&generator, {}, /*runner=*/false);
  const std::string id = Run("generate", {{"prompt", "mine"}})["job_id"];
  for (const char* command : {"jobs.get", "jobs.cancel", "jobs.result"}) {
    auto bob = Try(command, {{"job_id", id}}, "bob");
    ASSERT_FALSE(bob) << command;
    EXPECT_EQ(bob.error().code, ErrorCode::kNotFound) << command;
    EXPECT_EQ(bob.error().reason, "job_not_found") << command;
  }
  EXPECT_EQ(Run("jobs.get", {{"job_id", id}})["status"], "queued");  // bob changed nothing
}

INSTANTIATE_TEST_SUITE_P(Catalogs, JobsTest, ::testing::Values(false, true),
                         [](const auto& param) { return param.param ? "Postgres" : "Sqlite"; });

}  // namespace
}  // namespace noisett::service
