// The periodic sweep of `serve`: the interval setting, the log line, and a real loop over a real
// back end (local store + SQLite in a temporary data dir) whose clock stands 100 days after an
// upload: the loop's first pass must delete the free user's job.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "app/app.h"
#include "app/settings.h"
#include "cli/lifecycle_loop.h"
#include "image/pipeline.h"
#include "image/test_images.h"

namespace noisett::cli {
namespace {

using app::ParseLifecycleInterval;

TEST(LifecycleIntervalTest, OffOrADurationOfAtLeastAMinute) {
  EXPECT_EQ(*ParseLifecycleInterval("off"), 0);
  EXPECT_EQ(*ParseLifecycleInterval("0"), 0);
  EXPECT_EQ(*ParseLifecycleInterval("24h"), 86400);
  EXPECT_EQ(*ParseLifecycleInterval("90s"), 90);
  EXPECT_EQ(*ParseLifecycleInterval("3600"), 3600);
  for (const char* bad : {"59s", "5", "", "daily", "-1h", "1y"}) {
    auto parsed = ParseLifecycleInterval(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().reason, "bad_interval") << bad;
  }
}

TEST(SweepSummaryLineTest, NamesEveryActionThatHappenedWithItsBytes) {
  lifecycle::SweepSummary summary;
  summary.scanned = 12;
  summary.actions = {
      {"delete", {3, 2500000}}, {"tierToCool", {0, 0}}, {"tierToArchive", {2, 1500}}};
  summary.errors = {"a: x"};
  EXPECT_EQ(SweepSummaryLine(summary),
            "scanned 12; delete 3 (2.5 MB); tierToArchive 2 (1.5 kB); errors 1");
  lifecycle::SweepSummary dry;
  dry.dry_run = true;
  EXPECT_EQ(SweepSummaryLine(dry), "scanned 0; errors 0 (dry run: nothing changed)");
}

TEST(LifecycleLoopTest, TheFirstPassComesAfterTheFirstDelayAndAppliesThePolicy) {
  testing::InitVips();
  image::InitPipeline();
  const auto dir = std::filesystem::temp_directory_path() /
                   ("noisett-loop-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ManualClock clock(1'800'000'000);
  app::Config config;
  config.data_dir = dir.string();
  app::AppOptions options;
  options.clock = &clock;
  options.create_store = true;
  auto backend = app::App::Open(config, options);
  ASSERT_TRUE(backend) << backend.error().ToString();
  auth::User alice;
  alice.user_id = "alice";
  const std::string png = testing::ToPng(testing::Textured(40, 30));
  ASSERT_TRUE((*backend)->service().Run("images.upload", alice, {nlohmann::json::object(), png}));
  auto live = (*backend)->catalog().Totals("alice");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->total_images, 1);

  clock.Advance(100 * 86400);  // past the free tier's 90 days
  {
    LifecycleLoop loop((*backend)->service().lifecycle(), /*interval_s=*/3600,
                       /*first_delay_s=*/0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((*backend)->catalog().Totals("alice")->total_images != 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }  // stops without waiting for the next hour
  EXPECT_EQ((*backend)->catalog().Totals("alice")->total_images, 0);
  auto page = (*backend)->blobs().List({});
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty()) << "the job's blobs were soft-deleted";
  backend->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace noisett::cli
