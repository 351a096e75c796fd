// POST /api/generate and POST /api/images/import through a real `noisett serve` (local store, or
// Azurite in the _azure binary): the answer's links serve the stored images, and the job is the
// caller's alone.
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

class GenerateE2eTest : public InProcessE2eTest {
 protected:
  // The job's answer once it finished, polled as a client would (GET /api/jobs/{id}).
  static Json WaitForJob(const std::string& token, const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      RawResponse r = Call("GET", "/api/jobs/" + id, token);
      EXPECT_EQ(r.status, 200) << r.body;
      Json job = Json::parse(r.body, nullptr, false);
      const std::string status = job.value("status", "");
      if (status != "queued" && status != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "job " << id << " did not finish";
    return Json::object();
  }
};

TEST_F(GenerateE2eTest, AcceptsAtOnceThenStoresAndLinksEveryImage) {
  const Json request = {{"prompt", "a quiet harbour"}, {"count", 2}, {"seed", 5}};
  RawResponse r = Call("POST", "/api/generate", alice_, request.dump(), "application/json");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  Json queued = BodyJson(r);
  const std::string id = queued["job_id"];
  EXPECT_EQ(queued["status"], "queued");
  EXPECT_EQ(queued["links"]["self"], "/api/jobs/" + id);
  EXPECT_EQ(queued["links"]["events"], "/api/jobs/" + id + "/events");
  EXPECT_EQ(r.Header("location"), "/api/jobs/" + id);
  ASSERT_EQ(queued["images"].size(), 2u);
  EXPECT_EQ(queued["images"][1]["status"], "pending");
  EXPECT_EQ(queued["images"][1]["seed"], 6);

  Json job = WaitForJob(alice_, id);
  ASSERT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(job["generator"], "noise");
  EXPECT_TRUE(job["error"].is_null());
  EXPECT_FALSE(job["finished_at"].is_null());
  ASSERT_EQ(job["images"].size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const Json& image = job["images"][i];
    EXPECT_EQ(image["status"], "stored");
    EXPECT_EQ(image["seed"], 5 + i);
    RawResponse thumb = FetchLink(image["thumbnail_url"]);
    ASSERT_EQ(thumb.status, 200) << thumb.body;
    EXPECT_EQ(thumb.body.substr(0, 3), "\xFF\xD8\xFF");  // a JPEG
    EXPECT_EQ(thumb.body.size(), image["thumbnail_bytes"].get<size_t>());
  }
  const std::vector<std::string> history = HistoryIds(alice_);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front(), id);
  // Another user's job is answered exactly like a missing one, on every route.
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/history/" + id},
           {"GET", "/api/jobs/" + id},
           {"POST", "/api/jobs/" + id + "/cancel"}}) {
    const std::string absent = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
    std::string absent_path = path;
    absent_path.replace(path.find(id), id.size(), absent);
    RawResponse other = Call(method, path, bob_);
    RawResponse missing = Call(method, absent_path, bob_);
    EXPECT_EQ(other.status, 404) << path;
    std::string said = other.body;  // the same words, but for the id it names
    if (auto at = said.find(id); at != std::string::npos) said.replace(at, id.size(), absent);
    EXPECT_EQ(said, missing.body) << path;
  }
}

TEST_F(GenerateE2eTest, WaitTrueAnswersTheStoredJobAsBefore) {
  const Json request = {{"prompt", "a quiet harbour"}, {"count", 1}, {"seed", 5}, {"wait", true}};
  RawResponse r = Call("POST", "/api/generate", alice_, request.dump(), "application/json");
  ASSERT_EQ(r.status, 201) << r.body;
  Json job = BodyJson(r);
  ASSERT_EQ(job["images"].size(), 1u);
  EXPECT_EQ(job["generator"], "noise");
  EXPECT_EQ(job["metadata"]["images"][0]["seed"], 5);
  EXPECT_FALSE(job.contains("status"));
  RawResponse thumb = FetchLink(job["images"][0]["thumbnail_url"]);
  EXPECT_EQ(thumb.status, 200);
}

TEST_F(GenerateE2eTest, RefusesBadRequestsWithTheRightStatus) {
  EXPECT_EQ(Call("POST", "/api/generate", "", R"({"prompt":"x"})", "application/json").status,
            401);
  RawResponse empty = Call("POST", "/api/generate", alice_, R"({"prompt":""})", "application/json");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(ErrorCode(empty), "bad_input");
  RawResponse many = Call("POST", "/api/generate", alice_, R"({"prompt":"x","count":9})",
                          "application/json");
  EXPECT_EQ(many.status, 400);
  RawResponse garbage = Call("POST", "/api/generate", alice_, "prompt=x", "text/plain");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(Call("GET", "/api/generate", alice_).status, 405);
}

TEST_F(GenerateE2eTest, ImportRefusesTheServersOwnAddress) {
  const Json request = {{"url", noisett().base_url() + "/healthz"}};
  RawResponse r = Call("POST", "/api/images/import", alice_, request.dump(), "application/json");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(ErrorCode(r), "address_not_allowed");
  RawResponse metadata = Call("POST", "/api/images/import", alice_,
                              R"({"url":"http://169.254.169.254/latest/meta-data/"})",
                              "application/json");
  EXPECT_EQ(metadata.status, 403);
}

}  // namespace
}  // namespace noisett::service_e2e
