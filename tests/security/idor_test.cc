// bob holding alice's ids, through every command that takes one and that
// tests/service/ownership_test.cc does not already try (history.get/delete/restore,
// history.favorite, images.url, upload into her job): history.unfavorite (route and
// command), images.rehydrate, alice's pagination cursors replayed by bob, and the admin-only
// commands that reach other users' data (users.set_tier, lifecycle.run, lifecycle.export). Every
// attempt is refused with the status and code of "no such thing" or "not an admin", leaks nothing
// of hers, and leaves her data as it was.
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

class IdorTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 0; i < 3; ++i) {
      jobs_.push_back(Upload(alice_, Png(40, 30), "prompt=alices-secret").value("job_id", ""));
      ASSERT_EQ(jobs_.back().size(), 26u);
    }
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(Call("PUT", "/api/favorites/" + jobs_[i] + "/0", alice_).status, 200);
    }
  }

  static RawResponse Command(const std::string& name, const Json& args, const std::string& token) {
    return Call("POST", "/api/commands/" + name, token, args.dump(), "application/json");
  }

  static void ExpectNoLeak(const RawResponse& r) {
    EXPECT_EQ(r.body.find("alices-secret"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("/alice/"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("sig="), std::string::npos) << r.body;
  }

  static void ExpectStatus(const RawResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(ErrorCode(r), code) << r.body;
    ExpectNoLeak(r);
  }

  // The next_cursor of alice's first page of `target` (limit=1).
  static std::string AlicesCursor(const std::string& target) {
    const RawResponse r = Call("GET", target + "?limit=1", alice_);
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string cursor = BodyJson(r).value("next_cursor", "");
    EXPECT_FALSE(cursor.empty()) << target << ": " << r.body;
    return cursor;
  }

  std::vector<std::string> jobs_;
};

TEST_F(IdorTest, JobAndImageCommandsAnswerBob404) {
  const Json job_image = {{"job_id", jobs_[0]}, {"image_index", 0}};
  ExpectStatus(Call("DELETE", "/api/favorites/" + jobs_[0] + "/0", bob_), 404, "job_not_found");
  ExpectStatus(Command("history.unfavorite", job_image, bob_), 404, "job_not_found");
  ExpectStatus(Command("images.rehydrate", job_image, bob_), 404, "job_not_found");
  // alice's favorite is still hers.
  const RawResponse favorites = Call("GET", "/api/favorites", alice_);
  ASSERT_EQ(favorites.status, 200);
  EXPECT_EQ(BodyJson(favorites)["favorites"].size(), 2u) << favorites.body;
}

TEST_F(IdorTest, AlicesCursorsShowBobNothingOfHers) {
  // A cursor is a position, not a capability: under bob's token it pages through bob's own
  // (empty) lists and never yields one of alice's rows.
  for (const std::string list : {"/api/history", "/api/images", "/api/favorites"}) {
    SCOPED_TRACE(list);
    const std::string cursor = AlicesCursor(list);
    const std::string key = list.substr(list.rfind('/') + 1) == "history"
                                ? "generations"
                                : list.substr(list.rfind('/') + 1);
    // Positive control: the cursor does lead alice to more of her rows.
    const RawResponse hers = Call("GET", list + "?limit=50&cursor=" + cursor, alice_);
    ASSERT_EQ(hers.status, 200) << hers.body;
    EXPECT_FALSE(BodyJson(hers)[key].empty()) << hers.body;
    const RawResponse r = Call("GET", list + "?limit=50&cursor=" + cursor, bob_);
    EXPECT_EQ(r.status, 200) << r.body;
    ExpectNoLeak(r);
    const Json body = BodyJson(r);
    ASSERT_TRUE(body.contains(key)) << r.body;
    EXPECT_TRUE(body[key].empty()) << r.body;
  }
}

TEST_F(IdorTest, AdminCommandsOverOtherUsersAre403ForAnOrdinaryUser) {
  ExpectStatus(Command("users.set_tier", {{"user_id", "alice"}, {"tier", "free"}}, bob_), 403,
               "not_admin");
  ExpectStatus(Command("lifecycle.run", {{"dry_run", false}}, bob_), 403, "not_admin");
  ExpectStatus(Command("lifecycle.export", Json::object(), bob_), 403, "not_admin");
  // None of it touched alice: her jobs and links are all there.
  const RawResponse job = Call("GET", "/api/history/" + jobs_[2], alice_);
  ASSERT_EQ(job.status, 200) << job.body;
  EXPECT_EQ(FetchLink(BodyJson(job)["images"][0].value("url", "")).status, 200);
}

TEST_F(IdorTest, ArgumentsCannotNameAnotherUser) {
  // Commands act for the token's user only: a user_id (or oid) in the arguments is refused as an
  // unknown field (bad_input), not honoured.
  for (const char* name : {"history.list", "storage.metrics", "favorites.list", "images.list"}) {
    SCOPED_TRACE(name);
    ExpectStatus(Command(name, {{"user_id", "alice"}}, bob_), 400, "bad_input");
  }
  ExpectStatus(Command("history.get", {{"job_id", jobs_[1]}, {"user_id", "alice"}}, bob_), 400,
               "bad_input");
}

}  // namespace
}  // namespace noisett::service_e2e
