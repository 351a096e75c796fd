// Many threads optimizing at once must produce exactly the bytes a single thread produces: the
// pipeline shares vips start-up and nothing else.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "image/pipeline.h"
#include "image/test_images.h"

namespace noisett::image {
namespace {

struct Job {
  std::string input;
  OptimizeOptions options;
};

std::vector<Job> MakeJobs() {
  const std::vector<std::string> inputs = {
      testing::InsertJpegSegments(testing::ToJpeg(testing::CornerMarked(300, 200, 40)),
                                  testing::ExifSegment(6, true)),
      testing::ToPng(testing::Solid(240, 160, {0, 0, 0, 90})),
      testing::ToWebp(testing::Textured(280, 210)),
      testing::ToPng(testing::Textured(310, 190)),
  };
  std::vector<Job> jobs;
  for (const std::string& input : inputs) {
    for (OutputFormat format : {OutputFormat::kJpeg, OutputFormat::kWebp}) {
      OptimizeOptions o;
      o.format = format;
      o.thumb_size = 96;
      jobs.push_back({input, o});
    }
  }
  return jobs;
}

std::string Fingerprint(const Result<WebImage>& r) {
  if (!r) return "error: " + r.error().ToString();
  return r->optimized.bytes + "|" + r->thumbnail.bytes;
}

TEST(PipelineConcurrencyTest, ParallelResultsMatchSequentialByteForByte) {
  const std::vector<Job> jobs = MakeJobs();
  std::vector<std::string> expected;
  for (const Job& job : jobs) {
    auto r = OptimizeForWeb(AsBytes(job.input), job.options);
    ASSERT_TRUE(r) << r.error().ToString();
    expected.push_back(Fingerprint(r));
  }

  constexpr int kThreads = 8;
  constexpr int kRounds = 2;
  std::atomic<int> mismatches{0};
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        // Each thread starts at a different job so different images overlap in time.
        for (size_t k = 0; k < jobs.size(); ++k) {
          const size_t i = (k + size_t(t) + size_t(round)) % jobs.size();
          auto r = OptimizeForWeb(AsBytes(jobs[i].input), jobs[i].options);
          if (Fingerprint(r) != expected[i]) ++mismatches;
          ++runs;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(runs.load(), kThreads * kRounds * int(jobs.size()));
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(PipelineConcurrencyTest, ErrorsInParallelDoNotDisturbOtherImages) {
  const std::string good = testing::ToJpeg(testing::Textured(200, 150));
  const std::string bad = good.substr(0, good.size() / 2);
  auto reference = OptimizeForWeb(AsBytes(good), OptimizeOptions{});
  ASSERT_TRUE(reference) << reference.error().ToString();
  const std::string expected = Fingerprint(reference);

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        if ((t + i) % 2 == 0) {
          if (Fingerprint(OptimizeForWeb(AsBytes(good), OptimizeOptions{})) != expected) ++wrong;
        } else {
          auto r = OptimizeForWeb(AsBytes(bad), OptimizeOptions{});
          if (r || r.error().reason != "corrupt") ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace noisett::image
