// POST /api/generate and POST /api/images/import through a real `noisett serve` (local store, or
// Azurite in the _azure binary): the answer's links serve the stored images, and the job is the
// caller's alone.
#include <gtest/gtest.h>

#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

class GenerateE2eTest : public InProcessE2eTest {};

TEST_F(GenerateE2eTest, GeneratesStoresAndLinksEveryImage) {
  const Json request = {{"prompt", "a quiet harbour"}, {"count", 2}, {"seed", 5}};
  RawResponse r = Call("POST", "/api/generate", alice_, request.dump(), "application/json");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  Json job = BodyJson(r);
  ASSERT_EQ(job["images"].size(), 2u);
  EXPECT_EQ(job["generator"], "noise");
  for (int i = 0; i < 2; ++i) {
    const Json& image = job["images"][i];
    EXPECT_EQ(image["seed"], 5 + i);
    RawResponse thumb = FetchLink(image["thumbnail_url"]);
    ASSERT_EQ(thumb.status, 200) << thumb.body;
    EXPECT_EQ(thumb.body.substr(0, 3), "\xFF\xD8\xFF");  // a JPEG
    EXPECT_EQ(thumb.body.size(), image["thumbnail_bytes"].get<size_t>());
  }
  const std::string id = job["job_id"];
  const std::vector<std::string> history = HistoryIds(alice_);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.front(), id);
  RawResponse other = Call("GET", "/api/history/" + id, bob_);
  EXPECT_EQ(other.status, 404);
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
