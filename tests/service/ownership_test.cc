// One user's jobs do not exist for another: every route that names a job answers bob 404 for
// alice's job (not 403, which would confirm it exists), and none of his attempts changes it.
#include <algorithm>

#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

class OwnershipTest : public InProcessE2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    job_ = Upload(alice_, Png(100, 80), "prompt=alices").value("job_id", "");
    ASSERT_EQ(job_.size(), 26u);
  }

  void ExpectNotFoundForBob(const std::string& method, const std::string& target,
                            const std::string& body = "") {
    const RawResponse r = Call(method, target, bob_, body, body.empty() ? "" : "application/json");
    EXPECT_EQ(r.status, 404) << method << " " << target << " -> " << r.body;
    EXPECT_EQ(r.body.find("alices"), std::string::npos) << "alice's prompt leaked: " << r.body;
    EXPECT_EQ(r.body.find("sig="), std::string::npos) << "a link leaked: " << r.body;
  }

  std::string job_;
};

TEST_F(OwnershipTest, HistoryRoutesAnswer404ForAnotherUsersJob) {
  ExpectNotFoundForBob("GET", "/api/history/" + job_);
  ExpectNotFoundForBob("DELETE", "/api/history/" + job_);
  ExpectNotFoundForBob("POST", "/api/history/" + job_ + "/restore");
}

TEST_F(OwnershipTest, FavoriteAndLinkRoutesAnswer404ForAnotherUsersJob) {
  ExpectNotFoundForBob("PUT", "/api/favorites/" + job_ + "/0");
  ExpectNotFoundForBob("DELETE", "/api/favorites/" + job_ + "/0");
  ExpectNotFoundForBob("GET", "/api/images/" + job_ + "/0/url");
  ExpectNotFoundForBob("GET", "/api/images/" + job_ + "/0/url?thumbnail=true");
}

TEST_F(OwnershipTest, CommandRouteAnswers404ForAnotherUsersJob) {
  const std::string args = Json{{"job_id", job_}}.dump();
  ExpectNotFoundForBob("POST", "/api/commands/history.get", args);
  ExpectNotFoundForBob("POST", "/api/commands/history.delete", args);
  ExpectNotFoundForBob("POST", "/api/commands/history.restore", args);
  ExpectNotFoundForBob("POST", "/api/commands/images.url",
                       Json{{"job_id", job_}, {"image_index", 0}}.dump());
  ExpectNotFoundForBob("POST", "/api/commands/history.favorite",
                       Json{{"job_id", job_}, {"image_index", 0}}.dump());
}

TEST_F(OwnershipTest, UploadIntoAnotherUsersJobIsRefused) {
  const RawResponse r = Call("POST", "/api/images?job_id=" + job_, bob_, Png(40, 40), "image/png");
  EXPECT_EQ(r.status, 404) << r.body;
  // Nothing of bob's was stored under alice's job (or anywhere).
  EXPECT_TRUE(HistoryIds(bob_).empty());
  const RawResponse again = Call("GET", "/api/history/" + job_, alice_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(BodyJson(again).value("image_count", 0), 1);
}

TEST_F(OwnershipTest, AnotherUsersAttemptsLeaveTheJobUntouched) {
  (void)Call("DELETE", "/api/history/" + job_, bob_);
  (void)Call("PUT", "/api/favorites/" + job_ + "/0", bob_);
  const RawResponse r = Call("GET", "/api/history/" + job_, alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json job = BodyJson(r);
  EXPECT_FALSE(job.contains("deleted_at")) << r.body;
  const std::vector<std::string> ids = HistoryIds(alice_);
  EXPECT_NE(std::find(ids.begin(), ids.end(), job_), ids.end());
  // The image link still works: bob's DELETE did not remove the blobs.
  EXPECT_EQ(FetchLink(job["images"][0].value("url", "")).status, 200);
  // bob's lists stay empty.
  EXPECT_TRUE(HistoryIds(bob_).empty());
  const RawResponse favorites = Call("GET", "/api/favorites", bob_);
  ASSERT_EQ(favorites.status, 200);
  EXPECT_TRUE(BodyJson(favorites)["favorites"].empty()) << favorites.body;
  const RawResponse metrics = Call("GET", "/api/me/storage", bob_);
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(BodyJson(metrics).value("total_images", -1), 0) << metrics.body;
}

}  // namespace
}  // namespace noisett::service_e2e
