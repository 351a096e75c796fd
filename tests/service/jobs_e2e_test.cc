// Generation jobs through a real `noisett serve` with the replicate generator pointed at a
// loopback stand-in for Replicate whose predictions take real time (tests/generate/
// fake_replicate): the event stream read as a client reads it (chunks arriving while the job
// runs; Last-Event-ID resuming), cancel reaching the provider, 429 with Retry-After, and the
// server killed (SIGKILL) or stopped (SIGTERM) mid-job: after a restart the job ends succeeded
// and the provider was not paid twice.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "generate/fake_replicate.h"
#include "image/test_images.h"
#include "service/e2e_fixture.h"
#include "service/server_process.h"
#include "support/azurite.h"
#include "support/postgres.h"

namespace noisett::service_e2e {
namespace {

using Clock = std::chrono::steady_clock;

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

// A streaming reader of one GET: the raw bytes as they come, de-chunked, split into events.
class EventReader {
 public:
  EventReader(uint16_t port, const std::string& target, const std::string& token,
              const std::string& last_event_id = "") {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          token + "\r\nAccept: text/event-stream\r\nConnection: close\r\n";
    if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
    request += "\r\n";
    (void)!write(fd_, request.data(), request.size());
  }
  ~EventReader() {
    if (fd_ >= 0) close(fd_);
  }

  // Reads until `count` events came, the body ended, or `timeout` passed.
  std::vector<SseEvent> Read(size_t count, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (events_.size() < count && !ended_ && Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (poll(&p, 1, int(std::max<int64_t>(1, left.count()))) <= 0) continue;
      char buf[16384];
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) {
        ended_ = true;
        break;
      }
      raw_.append(buf, size_t(n));
      Parse();
    }
    return events_;
  }
  int status() const { return status_; }
  const std::string& head() const { return head_; }
  bool ended() const { return ended_ || body_ended_; }

 private:
  void Parse() {
    if (status_ == 0) {
      const size_t end = raw_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      head_ = raw_.substr(0, end);
      status_ = std::stoi(head_.substr(9, 3));
      raw_.erase(0, end + 4);
      if (status_ != 200) {
        ended_ = true;
        return;
      }
    }
    // Chunks: SIZE\r\nDATA\r\n; a 0-size chunk ends the body.
    for (;;) {
      const size_t line = raw_.find("\r\n");
      if (line == std::string::npos) return;
      const size_t size = std::stoul(raw_.substr(0, line), nullptr, 16);
      if (size == 0) {
        body_ended_ = true;
        ended_ = true;
        return;
      }
      if (raw_.size() < line + 2 + size + 2) return;
      text_ += raw_.substr(line + 2, size);
      raw_.erase(0, line + 2 + size + 2);
      for (size_t blank; (blank = text_.find("\n\n")) != std::string::npos;) {
        AddEvent(text_.substr(0, blank));
        text_.erase(0, blank + 2);
      }
    }
  }
  void AddEvent(const std::string& block) {
    SseEvent e;
    size_t at = 0;
    while (at < block.size()) {
      size_t nl = block.find('\n', at);
      if (nl == std::string::npos) nl = block.size();
      const std::string line = block.substr(at, nl - at);
      at = nl + 1;
      if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
      if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) e.data = line.substr(6);
    }
    if (!e.event.empty()) events_.push_back(std::move(e));  // comments (heartbeats) skipped
  }

  int fd_ = -1;
  std::string raw_;
  std::string head_;
  std::string text_;
  int status_ = 0;
  bool ended_ = false;
  bool body_ended_ = false;
  std::vector<SseEvent> events_;
};

class JobsE2eTest : public ::testing::Test {
 protected:
  JobsE2eTest() : fake_("r8_test") {
    const std::string png = noisett::testing::ToPng(noisett::testing::Textured(128, 96));
    for (int64_t seed = 0; seed < 64; ++seed) fake_.SetImage(seed, png);
    fake_.SetPollsToFinish(1);
  }
  ~JobsE2eTest() override { noisett_.process().Kill(); }

  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--generator",        "replicate",
                                     "--replicate-url",    fake_.BaseUrl(),
                                     "--replicate-token",  "r8_test",
                                     "--replicate-model",  "acme/painter",
                                     "--import-allow",     "127.0.0.1",
                                     "--generate-lease",   "3s"};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string error = noisett_.Start(args);
    ASSERT_EQ(error, "");
    if (alice_.empty()) alice_ = noisett_.Token("alice");
  }
  RawResponse Call(const std::string& method, const std::string& target,
                   const std::string& body = "") {
    RawRequest request{method, target, {{"Authorization", "Bearer " + alice_}}, body};
    if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    return noisett_.Send(request);
  }
  std::string Generate(const Json& input) {
    RawResponse r = Call("POST", "/api/generate", input.dump());
    EXPECT_EQ(r.status, 202) << r.body;
    return Json::parse(r.body, nullptr, false).value("job_id", "");
  }
  Json Job(const std::string& id) {
    return Json::parse(Call("GET", "/api/jobs/" + id).body, nullptr, false);
  }
  Json AwaitFinished(const std::string& id, std::chrono::seconds limit = std::chrono::seconds(40)) {
    const auto deadline = Clock::now() + limit;
    Json job;
    while (Clock::now() < deadline) {
      job = Job(id);
      const std::string status = job.value("status", "");
      if (status != "queued" && status != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "job " << id << " did not finish: " << job.dump();
    return job;
  }
  bool AwaitCreates(size_t n) {
    for (int i = 0; i < 400 && fake_.Creates().size() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return fake_.Creates().size() >= n;
  }

  noisett::testing::FakeReplicate fake_;
  Noisett noisett_;
  std::string alice_;
};

TEST_F(JobsE2eTest, EventsFollowTheJobWhileItRunsAndResumeFromLastEventId) {
  fake_.SetLatency(std::chrono::milliseconds(1500));
  Start();
  const std::string id = Generate({{"prompt", "a slow model"}, {"count", 2}, {"seed", 3}});
  EventReader reader(noisett_.port(), "/api/jobs/" + id + "/events", alice_);
  auto first = reader.Read(1, std::chrono::seconds(10));
  ASSERT_EQ(reader.status(), 200) << reader.head();
  EXPECT_NE(reader.head().find("Content-Type: text/event-stream"), std::string::npos);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].event, "status");
  // The first event came while the model was still at work: the stream is live, not a replay.
  EXPECT_NE(Job(id)["status"], "succeeded");

  auto events = reader.Read(100, std::chrono::seconds(30));
  ASSERT_TRUE(reader.ended());
  ASSERT_GE(events.size(), 4u);
  std::vector<std::string> images;
  for (const SseEvent& e : events) {
    if (e.event == "image") images.push_back(e.data);
  }
  ASSERT_EQ(images.size(), 2u);
  for (const std::string& data : images) {
    Json image = Json::parse(data);
    EXPECT_EQ(image["status"], "stored");
    EXPECT_FALSE(image["url"].get<std::string>().empty());
  }
  EXPECT_EQ(events.back().event, "done");
  Json done = Json::parse(events.back().data);
  EXPECT_EQ(done["status"], "succeeded");
  EXPECT_EQ(done["images"].size(), 2u);

  // Resuming after the first image: only what was not seen, then the end.
  std::string after_first_image;
  for (const SseEvent& e : events) {
    if (e.event == "image") {
      after_first_image = e.id;
      break;
    }
  }
  EventReader resumed(noisett_.port(), "/api/jobs/" + id + "/events", alice_, after_first_image);
  auto rest = resumed.Read(100, std::chrono::seconds(10));
  ASSERT_TRUE(resumed.ended());
  int resent_images = 0;
  for (const SseEvent& e : rest) resent_images += e.event == "image";
  EXPECT_EQ(resent_images, 1);
  EXPECT_EQ(rest.back().event, "done");

  // Another user's stream is the 404 of a missing job; a stream of a finished job just ends.
  const std::string bob = noisett_.Token("bob");
  EventReader other(noisett_.port(), "/api/jobs/" + id + "/events", bob);
  other.Read(1, std::chrono::seconds(5));
  EXPECT_EQ(other.status(), 404);
  EventReader seen_all(noisett_.port(), "/api/jobs/" + id + "/events", alice_, events.back().id);
  EXPECT_TRUE(seen_all.Read(100, std::chrono::seconds(5)).empty());
  EXPECT_TRUE(seen_all.ended());
}

TEST_F(JobsE2eTest, CancelStopsThePredictionsUpstreamAndEndsTheStream) {
  fake_.SetScenario(noisett::testing::FakeReplicate::Scenario::kNeverFinish);
  Start();
  const std::string id = Generate({{"prompt", "never ends"}, {"count", 2}});
  ASSERT_TRUE(AwaitCreates(2));
  EventReader reader(noisett_.port(), "/api/jobs/" + id + "/events", alice_);
  reader.Read(1, std::chrono::seconds(5));
  RawResponse cancel = Call("POST", "/api/jobs/" + id + "/cancel");
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  auto events = reader.Read(100, std::chrono::seconds(15));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event, "done");
  EXPECT_EQ(Json::parse(events.back().data)["status"], "canceled");
  EXPECT_EQ(fake_.Cancels().size(), 2u);
  EXPECT_EQ(Job(id)["status"], "canceled");
}

TEST_F(JobsE2eTest, OverTheConcurrentQuotaIs429WithRetryAfter) {
  fake_.SetScenario(noisett::testing::FakeReplicate::Scenario::kNeverFinish);
  Start({"--generate-quotas", "free=1/100"});
  Generate({{"prompt", "one"}, {"count", 1}});
  RawResponse second = Call("POST", "/api/generate", Json{{"prompt", "two"}}.dump());
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(second.Header("retry-after"), "5");
  EXPECT_EQ(Json::parse(second.body)["error"]["code"], "quota_concurrent_jobs");
}

// kill -9 mid-job: the restarted server re-attaches to the recorded predictions once the lease
// runs out (3 s here), and finishes the job without creating them again.
TEST_F(JobsE2eTest, AJobSurvivesSigkillWithoutPayingTwice) {
  fake_.SetLatency(std::chrono::milliseconds(3000));
  Start();
  const std::string id = Generate({{"prompt", "crash me"}, {"count", 2}, {"seed", 20}});
  ASSERT_TRUE(AwaitCreates(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the ids are recorded
  noisett_.process().Kill();
  Start();
  Json job = AwaitFinished(id);
  EXPECT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(job["images"][1]["status"], "stored");
  EXPECT_EQ(fake_.Creates().size(), 2u);
}

// SIGTERM mid-job: the leases are given up at once, and the next start finishes the job.
TEST_F(JobsE2eTest, AJobSurvivesAGracefulStop) {
  fake_.SetLatency(std::chrono::milliseconds(2500));
  Start();
  const std::string id = Generate({{"prompt", "stop me gently"}, {"count", 2}, {"seed", 30}});
  ASSERT_TRUE(AwaitCreates(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(noisett_.Stop(), 0);
  Start();
  Json job = AwaitFinished(id, std::chrono::seconds(20));
  EXPECT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(fake_.Creates().size(), 2u);
}

}  // namespace
}  // namespace noisett::service_e2e

namespace noisett::service_e2e {
namespace {

// Three instances on one PostgreSQL catalog and one Azurite container, as deployed at scale: the
// instance running a job is killed (SIGKILL); another takes the job over when its lease expires
// and finishes it, re-attached to the same predictions.
TEST(JobsScaleOutTest, AnotherInstanceFinishesTheJobOfAKilledOne) {
  const std::string pg = noisett::testing::PostgresTestUrl();
  if (pg.empty()) GTEST_SKIP() << "no PostgreSQL (NOISETT_TEST_PG_URL)";
  std::string error;
  auto schema = noisett::testing::ScratchSchema::Create(pg, &error);
  ASSERT_TRUE(schema) << error;
  const auto& azurite = noisett::testing::Azurite();
  if (!azurite.ok()) GTEST_SKIP() << azurite.error;
  noisett::testing::FakeReplicate fake("r8_test");
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(128, 96));
  for (int64_t seed = 0; seed < 8; ++seed) fake.SetImage(seed, png);
  fake.SetPollsToFinish(1);
  fake.SetLatency(std::chrono::milliseconds(4000));

  Noisett data;  // the shared data dir: one dev issuer for the three
  const std::string container = noisett::testing::UniqueContainerName("jobs");
  ServerProcess instances[3];
  for (int i = 0; i < 3; ++i) {
    const std::string started = instances[i].Start(
        {"--auth", "dev", "--data-dir", data.data_dir(), "--catalog", schema->url(),
         "--store", "azure://" + azurite.account + "/" + container, "--azure-endpoint",
         azurite.endpoint, "--azure-ca-file", azurite.ca_file, "--azure-key", azurite.key,
         "--generator", "replicate", "--replicate-url", fake.BaseUrl(), "--replicate-token",
         "r8_test", "--replicate-model", "acme/painter", "--import-allow", "127.0.0.1",
         "--generate-lease", "3s", "--instance-id", "instance-" + std::to_string(i)},
        (data.root() / ("instance-" + std::to_string(i) + ".log")).string());
    ASSERT_EQ(started, "");
  }
  const std::string token = data.Token("alice");
  auto call = [&](int i, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    RawRequest request{method, target, {{"Authorization", "Bearer " + token}}, body};
    if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    return Send(instances[i].port(), request);
  };
  RawResponse queued = call(0, "POST", "/api/generate",
                            Json{{"prompt", "scale out"}, {"count", 2}, {"seed", 1}}.dump());
  ASSERT_EQ(queued.status, 202) << queued.body;
  const std::string id = Json::parse(queued.body)["job_id"];
  for (int i = 0; i < 400 && fake.Creates().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(fake.Creates().size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the ids are recorded
  const std::string owner = noisett::testing::PgQueryValue(
      schema->url(), "SELECT lease_owner FROM jobs WHERE job_id = '" + id + "'", &error);
  ASSERT_EQ(owner.rfind("instance-", 0), 0u) << owner << error;
  const int killed = owner.back() - '0';
  instances[killed].Kill();

  const int survivor = (killed + 1) % 3;
  Json job;
  for (int i = 0; i < 300; ++i) {
    job = Json::parse(call(survivor, "GET", "/api/jobs/" + id).body, nullptr, false);
    if (job.value("status", "") == "succeeded" || job.value("status", "") == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(job.value("status", ""), "succeeded") << job.dump();
  EXPECT_EQ(fake.Creates().size(), 2u);  // re-attached, not paid twice
  const std::string finisher = noisett::testing::PgQueryValue(
      schema->url(), "SELECT attempts FROM jobs WHERE job_id = '" + id + "'", &error);
  EXPECT_EQ(finisher, "2") << error;
  for (int i = 0; i < 3; ++i) {
    if (i != killed) {
      EXPECT_EQ(instances[i].Stop(), 0) << instances[i].Log();
    }
  }
}

}  // namespace
}  // namespace noisett::service_e2e
