// history.list and favorites.list answers reused across requests
// (service/list_answers.h), on the real service (testing::TestApp: the local
// store and SQLite, or PostgreSQL for the "Postgres" suites). Three instances
// share one data dir, as three `noisett serve` would: A answers lists (with its
// answer cache), B writes, and C has no answer cache (--list-cache 0): C's
// answer is what a rebuilt answer is. After every kind of write, through B or
// A, the next list on A is C's answer byte for byte; a repeated list is a hit;
// a new link bucket is a new answer with new links; without link buckets
// nothing is kept; the cache stays under its bound; and lists racing writes
// never answer what was there before a write that returned.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/metric_names.h"
#include "image/test_images.h"
#include "support/test_app.h"

namespace noisett::service {
namespace {

using Json = nlohmann::json;
using noisett::testing::TestApp;
using noisett::testing::TestAppOptions;

constexpr int64_t kHour = 3600;
constexpr int64_t kBucketStart = 1795435200;  // 2026-11-23T06:00:00Z, a whole hour

const std::string &Png() {
  static const std::string png = noisett::testing::ToPng(noisett::testing::Textured(96, 64));
  return png;
}

// An image record written straight to the catalog (no blobs: links are signed
// all the same).
catalog::ImageRecord Image(const std::string &user, const std::string &job, int index) {
  const std::string dir = "generated/" + user + "/" + job + "/";
  return {.index = index,
          .blob_path = dir + "image_" + std::to_string(index) + ".jpg",
          .thumbnail_path = dir + "thumb_image_" + std::to_string(index) + ".jpg",
          .content_type = "image/jpeg"};
}

class ListAnswersTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    TestAppOptions options{.postgres = GetParam(), .clock = &clock_, .metrics = &metrics_a_};
    options.job_runner = false;
    a_ = std::make_unique<TestApp>(std::move(options));
    if (a_->unavailable()) GTEST_SKIP() << a_->error();
    ASSERT_TRUE(a_->ok()) << a_->error();
    b_ = Another({}, &metrics_b_);
    c_ = Another({{"--list-cache", "0"}}, &metrics_c_);
    ASSERT_TRUE(b_ && c_);
    for (int i = 0; i < 3; ++i) jobs_.push_back(Upload(A(), "alice", "job " + std::to_string(i)));
  }

  std::unique_ptr<app::App> Another(const app::Flags &settings, metrics::Registry *metrics) {
    auto app = a_->OpenAnotherInstance(settings, metrics);
    EXPECT_TRUE(app) << app.error().ToString();
    return app ? std::move(*app) : nullptr;
  }
  app::App &A() { return a_->app(); }

  static Result<std::string> Try(app::App &app, const std::string &command, const Json &args,
                                 const std::string &user = "alice", bool admin = false) {
    return app.service().Run(command, TestApp::User(user, admin), {args, {}});
  }
  static std::string Run(app::App &app, const std::string &command, const Json &args,
                         const std::string &user = "alice", bool admin = false) {
    auto out = Try(app, command, args, user, admin);
    EXPECT_TRUE(out) << command << " " << args.dump() << ": " << out.error().ToString();
    return out ? *out : "";
  }
  // A new job of one image for `user`; its id.
  static std::string Upload(app::App &app, const std::string &user, const std::string &prompt) {
    auto out =
        app.service().Run("images.upload", TestApp::User(user), {{{"prompt", prompt}}, Png()});
    EXPECT_TRUE(out) << out.error().ToString();
    return out ? Json::parse(*out)["job_id"].get<std::string>() : "";
  }

  double Count(const char *list, const char *result) {
    return metrics_a_.Value(metrics::names::kListAnswers, {{"list", list}, {"result", result}});
  }

  // The lists a gallery asks for: history pages of 2 (the first and the one
  // after it), all of history, and favorites.
  std::vector<std::pair<std::string, Json>> Queries() {
    std::vector<std::pair<std::string, Json>> out = {{"history.list", {{"limit", 2}}},
                                                     {"history.list", {{"limit", 50}}},
                                                     {"favorites.list", {{"limit", 50}}}};
    const Json first = Json::parse(Run(*c_, "history.list", {{"limit", 2}}));
    if (!first["next_cursor"].get<std::string>().empty()) {
      out.push_back({"history.list", {{"limit", 2}, {"cursor", first["next_cursor"]}}});
    }
    return out;
  }
  // Every query answered by A, for comparing across a write.
  std::vector<std::string> AnswersOfA() {
    std::vector<std::string> out;
    for (const auto &[command, args] : Queries()) out.push_back(Run(A(), command, args));
    return out;
  }
  // A's answers are C's (rebuilt) byte for byte, and asking again is a hit with
  // the same text.
  void ExpectCurrent(const std::string &after) {
    for (const auto &[command, args] : Queries()) {
      const std::string rebuilt = Run(*c_, command, args);
      EXPECT_EQ(Run(A(), command, args), rebuilt)
          << command << " " << args.dump() << " after " << after;
      const char *list = command == "history.list" ? "history" : "favorites";
      const double hits = Count(list, "hit");
      EXPECT_EQ(Run(A(), command, args), rebuilt) << command << " again after " << after;
      EXPECT_EQ(Count(list, "hit"), hits + 1)
          << command << " again after " << after << " was not reused";
    }
  }

  ManualClock clock_{kBucketStart + 600};
  metrics::Registry metrics_a_;
  metrics::Registry metrics_b_;
  metrics::Registry metrics_c_;
  std::unique_ptr<TestApp> a_;
  std::unique_ptr<app::App> b_;  // writes
  std::unique_ptr<app::App> c_;  // no answer cache
  std::vector<std::string> jobs_;
};

TEST_P(ListAnswersTest, ARepeatedListIsReusedAndIsTheRebuiltAnswer) {
  ExpectCurrent("the uploads");
  EXPECT_GT(Count("history", "miss"), 0);
  EXPECT_EQ(Count("history", "uncached"), 0);
}

// Each kind of write the lists show, made through another instance (B) unless
// said otherwise: the next list on A is the new answer.
TEST_P(ListAnswersTest, EveryKindOfWriteIsSeenByTheNextListOnAnotherInstance) {
  catalog::Catalog &other = b_->catalog();
  struct Step {
    std::string name;
    std::function<void()> write;
  };
  const std::vector<Step> steps = {
      {"an upload", [&] { jobs_.push_back(Upload(*b_, "alice", "from B")); }},
      {"history.favorite",
       [&] {
         Run(*b_, "history.favorite", {{"job_id", jobs_[0]}, {"image_index", 0}});
       }},
      {"history.unfavorite",
       [&] {
         Run(*b_, "history.unfavorite", {{"job_id", jobs_[0]}, {"image_index", 0}});
       }},
      {"history.favorite on A itself",
       [&] {
         Run(A(), "history.favorite", {{"job_id", jobs_[1]}, {"image_index", 0}});
       }},
      {"history.delete",
       [&] {
         Run(*b_, "history.delete", {{"job_id", jobs_[1]}});
       }},
      {"history.restore",
       [&] {
         Run(*b_, "history.restore", {{"job_id", jobs_[1]}});
       }},
      {"a tier change (the sweeper's)",
       [&] { ASSERT_TRUE(other.SetImageTier("alice", jobs_[1], 0, "archive")); }},
      {"a rehydrate", [&] { ASSERT_TRUE(other.SetImageTier("alice", jobs_[1], 0, "hot")); }},
      {"retention removing an image",
       [&] {
         ASSERT_TRUE(
             other.InsertGeneration({"two",
                                     "alice",
                                     "two images",
                                     "image",
                                     "",
                                     "",
                                     clock_.NowSeconds(),
                                     std::nullopt,
                                     {Image("alice", "two", 0), Image("alice", "two", 1)}}));
         ExpectCurrent("an insert");
         ASSERT_TRUE(other.RemoveImage("alice", "two", 1));
       }},
      {"retention purging a job", [&] { ASSERT_TRUE(other.PurgeGeneration("alice", "two")); }},
      {"a generation job queued",
       [&] {
         catalog::JobRecord job{.job_id = "gen-1",
                                .user_id = "alice",
                                .prompt = "queued",
                                .asset_type = "image",
                                .generator = "noise",
                                .seeds = {1}};
         job.created_at_ms = clock_.NowSeconds() * 1000;
         ASSERT_TRUE(other.jobs().CreateJob(job));
       }},
      {"the job claimed (running)",
       [&] {
         auto claimed = other.jobs().ClaimJob("B", {"noise"}, clock_.NowSeconds() * 1000, 60000);
         ASSERT_TRUE(claimed && *claimed);
       }},
      {"the job failed with no image (it leaves history)",
       [&] {
         ASSERT_TRUE(other.jobs().FinishJob("gen-1", "B", catalog::JobStatus::kFailed, "x", "y",
                                            clock_.NowSeconds() * 1000));
       }},
      {"users.set_tier",
       [&] {
         Run(*b_, "users.set_tier", {{"user_id", "alice"}, {"tier", "pro"}}, "root", true);
       }},
  };
  ExpectCurrent("the uploads");
  for (const Step &step : steps) {
    const std::vector<std::string> before = AnswersOfA();
    step.write();
    if (HasFatalFailure()) return;
    ExpectCurrent(step.name);
    if (step.name != "users.set_tier") {
      EXPECT_NE(AnswersOfA(), before) << step.name << " changed no answer: the test tests nothing";
    }
  }
}

// Another user's writes leave alice's answers reused.
TEST_P(ListAnswersTest, AnotherUsersWritesKeepTheAnswerReused) {
  ExpectCurrent("the uploads");
  const double misses = Count("history", "miss");
  Upload(*b_, "bob", "bob's");
  Run(*b_, "history.favorite", {{"job_id", Upload(*b_, "bob", "b2")}, {"image_index", 0}}, "bob");
  for (const auto &[command, args] : Queries()) Run(A(), command, args);
  EXPECT_EQ(Count("history", "miss"), misses);
}

// Within a link bucket the answer is reused, links and all; in the next bucket
// it is built again with the next bucket's links, exactly what a rebuilt answer
// holds.
TEST_P(ListAnswersTest, TheNextLinkBucketIsANewAnswer) {
  const std::string first = Run(A(), "history.list", {{"limit", 50}});
  clock_.Advance(30 * 60);  // later in the same bucket
  EXPECT_EQ(Run(A(), "history.list", {{"limit", 50}}), first);
  EXPECT_EQ(Count("history", "hit"), 1);
  clock_.Set(kBucketStart + kHour);  // the next bucket starts
  const std::string next = Run(A(), "history.list", {{"limit", 50}});
  EXPECT_NE(next, first);
  EXPECT_EQ(next, Run(*c_, "history.list", {{"limit", 50}}));
  EXPECT_EQ(Count("history", "hit"), 1);
  const Json image = Json::parse(next)["generations"][0]["images"][0];
  EXPECT_NE(image["expires_at"], Json::parse(first)["generations"][0]["images"][0]["expires_at"]);
  ExpectCurrent("a new bucket");
}

// NOISETT_LINK_BUCKET=0: every link counts from now, so no answer is kept.
TEST_P(ListAnswersTest, WithoutLinkBucketsNothingIsKept) {
  metrics::Registry metrics;
  auto unbucketed = Another({{"--link-bucket", "0"}}, &metrics);
  ASSERT_TRUE(unbucketed);
  Run(*unbucketed, "history.list", {{"limit", 50}});
  Run(*unbucketed, "history.list", {{"limit", 50}});
  Run(*unbucketed, "favorites.list", {{"limit", 50}});
  const auto count = [&](const char *list, const char *result) {
    return metrics.Value(metrics::names::kListAnswers, {{"list", list}, {"result", result}});
  };
  EXPECT_EQ(count("history", "uncached"), 2);
  EXPECT_EQ(count("favorites", "uncached"), 1);
  EXPECT_EQ(count("history", "hit"), 0);
  EXPECT_EQ(unbucketed->service().list_answers().cache().size(), 0u);
}

// Many users' pages through a small cache: it holds no more than its bound, and
// keeps answering.
TEST_P(ListAnswersTest, TheCacheStaysWithinItsBound) {
  metrics::Registry metrics;
  auto small = Another({{"--list-cache", "64K"}}, &metrics);
  ASSERT_TRUE(small);
  for (int u = 0; u < 120; ++u) {
    const std::string user = "user-" + std::to_string(u);
    const std::string job = "job-" + std::to_string(u);
    ASSERT_TRUE(small->catalog().InsertGeneration({job,
                                                   user,
                                                   "p",
                                                   "image",
                                                   "",
                                                   "",
                                                   clock_.NowSeconds(),
                                                   std::nullopt,
                                                   {Image(user, job, 0)}}));
    const std::string page = Run(*small, "history.list", {{"limit", 50}}, user);
    EXPECT_EQ(page, Run(*small, "history.list", {{"limit", 50}}, user));
    const AnswerCache &cache = small->service().list_answers().cache();
    ASSERT_LE(cache.bytes(), size_t{64} << 10) << "after " << u + 1 << " users";
  }
  const AnswerCache &cache = small->service().list_answers().cache();
  EXPECT_LT(cache.size(), 120u);
  EXPECT_GT(cache.size(), 10u);
}

// Lists on A from several threads while alice toggles a favorite through B:
// each list she makes after a toggle returned shows it, however the other
// threads' lists interleave with the write.
TEST_P(ListAnswersTest, ListsRacingWritesNeverAnswerWhatWasThereBefore) {
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto out = Try(A(), "history.list", {{"limit", 50}});
        if (!out || Json::parse(*out, nullptr, false).is_discarded()) ++bad;
      }
    });
  }
  const std::string job = jobs_[2];
  for (int i = 0; i < 60 && !HasFailure(); ++i) {
    const bool on = i % 2 == 0;
    Run(*b_, on ? "history.favorite" : "history.unfavorite", {{"job_id", job}, {"image_index", 0}});
    const Json page = Json::parse(Run(A(), "history.list", {{"limit", 50}}));
    bool seen = false;
    for (const Json &g : page["generations"]) {
      if (g["job_id"] == job) {
        seen = true;
        EXPECT_EQ(g["images"][0]["favorite"], on) << "round " << i;
      }
    }
    EXPECT_TRUE(seen);
  }
  stop = true;
  for (std::thread &reader : readers) reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(Count("history", "hit"), 0);
  ExpectCurrent("the race");
}

INSTANTIATE_TEST_SUITE_P(Catalogs, ListAnswersTest, ::testing::Values(false, true),
                         [](const auto &param) { return param.param ? "Postgres" : "Sqlite"; });

}  // namespace
}  // namespace noisett::service
