// Many uploads at once, and a SIGTERM in the middle of them: every upload that was answered 201 is
// in the catalog and the store (also after a restart), and storage.metrics agrees with the files
// on disk.
#include <atomic>
#include <map>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "image/test_images.h"
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

using namespace std::chrono_literals;

class ConcurrencyTest : public E2eTest {
 protected:
  // The data files of `user`'s blobs whose names start with `prefix`: count and total bytes.
  static std::pair<size_t, uint64_t> UserFiles(const std::string& user, const std::string& prefix) {
    size_t count = 0;
    uint64_t bytes = 0;
    for (const auto& [path, size] : BlobDataFiles(prefix)) {
      if (path.find("generated/" + user + "/") == std::string::npos) continue;
      ++count;
      bytes += size;
    }
    return {count, bytes};
  }
};

TEST_F(ConcurrencyTest, FiftyParallelUploadsAreAllListedAndCounted) {
  const std::string dave = noisett().Token("dave");
  ASSERT_FALSE(dave.empty());
  constexpr int kUploads = 50;
  constexpr int kThreads = 8;
  // Distinct pictures (drawn up front: the threads only do HTTP).
  std::vector<std::string> images;
  for (int i = 0; i < kUploads; ++i) images.push_back(Png(64 + i, 48 + (i % 7)));

  std::atomic<int> next{0};
  std::mutex mu;
  std::set<std::string> jobs;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kUploads; i = next++) {
        const RawResponse r = Call("POST", "/api/images?prompt=p" + std::to_string(i), dave,
                                   images[size_t(i)], "image/png");
        std::lock_guard<std::mutex> lock(mu);
        if (r.status != 201) {
          failures.push_back(std::to_string(r.status) + " " + r.body);
          continue;
        }
        jobs.insert(BodyJson(r).value("job_id", ""));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  EXPECT_EQ(jobs.size(), size_t(kUploads));

  const RawResponse list = Call("GET", "/api/history?limit=200", dave);
  ASSERT_EQ(list.status, 200) << list.body;
  const Json body = BodyJson(list);
  EXPECT_EQ(body.value("total_count", -1), kUploads);
  std::set<std::string> listed;
  for (const Json& gen : body["generations"]) listed.insert(gen.value("job_id", ""));
  EXPECT_EQ(listed, jobs);

  const RawResponse m = Call("GET", "/api/me/storage", dave);
  ASSERT_EQ(m.status, 200) << m.body;
  const Json metrics = BodyJson(m);
  const auto [images_on_disk, image_bytes] = UserFiles("dave", "image_");
  const auto [thumbs_on_disk, thumb_bytes] = UserFiles("dave", "thumb_image_");
  EXPECT_EQ(images_on_disk, size_t(kUploads));
  EXPECT_EQ(thumbs_on_disk, size_t(kUploads));
  EXPECT_EQ(metrics.value("total_images", -1), static_cast<int64_t>(images_on_disk)) << m.body;
  EXPECT_EQ(metrics.value("total_thumbnails", -1), static_cast<int64_t>(thumbs_on_disk)) << m.body;
  EXPECT_EQ(metrics.value("total_bytes", uint64_t{0}), image_bytes) << m.body;
  EXPECT_EQ(metrics.value("thumbnail_bytes", uint64_t{0}), thumb_bytes) << m.body;
  const double mb = double(image_bytes) / (1024.0 * 1024.0);
  EXPECT_NEAR(metrics.value("total_size_mb", -1.0), mb, 0.006) << m.body;
  EXPECT_NEAR(metrics.value("avg_image_size_mb", -1.0), mb / kUploads, 0.006) << m.body;
}

// Uploads racing into one job (as from several instances): each index goes to exactly one upload,
// no image overwrites another, and those past the 8th get 409 job_full.
TEST_F(ConcurrencyTest, UploadsRacingIntoOneJobFillItExactlyOnce) {
  const std::string fay = noisett().Token("fay");
  ASSERT_FALSE(fay.empty());
  const std::string job = Upload(fay, Png(40, 30)).value("job_id", "");
  ASSERT_FALSE(job.empty());
  constexpr int kUploads = 12;  // 7 places left
  std::vector<std::string> images;
  for (int i = 0; i < kUploads; ++i) images.push_back(Png(50 + i, 30));  // width tells them apart

  std::mutex mu;
  std::map<int, int> width_by_index;  // what each 201 said it stored where
  std::vector<std::string> refusals, failures;
  std::vector<std::thread> threads;
  for (int i = 0; i < kUploads; ++i) {
    threads.emplace_back([&, i] {
      const RawResponse r =
          Call("POST", "/api/images?job_id=" + job, fay, images[size_t(i)], "image/png");
      std::lock_guard<std::mutex> lock(mu);
      if (r.status == 201) {
        const Json body = BodyJson(r);
        const int index = body.value("image_index", -1);
        EXPECT_EQ(width_by_index.count(index), 0u) << "index " << index << " given twice";
        width_by_index[index] = body["image"].value("width", -1);
      } else if (r.status == 409 && ErrorCode(r) == "job_full") {
        refusals.push_back(r.body);
      } else {
        failures.push_back(std::to_string(r.status) + " " + r.body);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  EXPECT_EQ(width_by_index.size(), 7u);
  EXPECT_EQ(refusals.size(), size_t(kUploads - 7));

  const RawResponse got = Call("GET", "/api/history/" + job, fay);
  ASSERT_EQ(got.status, 200) << got.body;
  const Json generation = BodyJson(got);
  ASSERT_EQ(generation["images"].size(), 8u) << got.body;
  for (size_t k = 0; k < generation["images"].size(); ++k) {
    const Json& image = generation["images"][k];
    const int index = image.value("index", -1);
    EXPECT_EQ(index, static_cast<int>(k)) << "indexes are 0..7 in order";
    if (index == 0) continue;
    EXPECT_EQ(image.value("width", -1), width_by_index[index]) << "index " << index;
    const RawResponse fetched = FetchLink(image.value("url", ""));
    ASSERT_EQ(fetched.status, 200) << "index " << index;
    EXPECT_EQ(fetched.body.size(), image.value("bytes", uint64_t{0})) << "index " << index;
  }
}

// A server of its own: this test stops and restarts it.
TEST(ConcurrencyShutdownTest, EveryUploadAnswered201SurvivesSigtermAndRestart) {
  noisett::testing::InitVips();
  Noisett noisett;
  ASSERT_EQ(noisett.Start(), "");
  const std::string token = noisett.Token("erin");
  ASSERT_FALSE(token.empty());
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(200, 150));

  std::atomic<bool> stop_sending{false};
  std::atomic<int> created{0};
  std::mutex mu;
  std::vector<std::string> acknowledged;  // job ids answered 201
  std::vector<std::thread> threads;
  const uint16_t port = noisett.port();
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      // Keep sending until the server stops answering (connection refused) or 10 s pass.
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (std::chrono::steady_clock::now() < deadline) {
        RawRequest request;
        request.method = "POST";
        request.target = "/api/images";
        request.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "image/png"}};
        request.body = png;
        const RawResponse r = service_e2e::Send(port, request);
        if (r.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back(Json::parse(r.body, nullptr, false).value("job_id", ""));
          ++created;
        } else if (stop_sending) {
          break;
        }
      }
    });
  }
  // SIGTERM while the clients are busy.
  const auto wait_until = std::chrono::steady_clock::now() + 30s;
  while (created < 8 && std::chrono::steady_clock::now() < wait_until) std::this_thread::sleep_for(5ms);
  ASSERT_GE(created.load(), 8) << "uploads are not being answered; log:\n"
                               << noisett.process().Log();
  noisett.process().SendTerm();
  stop_sending = true;
  for (std::thread& t : threads) t.join();
  const std::string first_log = noisett.process().Log();
  EXPECT_EQ(noisett.Stop(), 0) << first_log;

  ASSERT_EQ(noisett.Start(), "");
  RawRequest list;
  list.target = "/api/history?limit=200";
  list.headers = {{"Authorization", "Bearer " + token}};
  const RawResponse r = service_e2e::Send(noisett.port(), list);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = Json::parse(r.body, nullptr, false);
  std::map<std::string, std::string> listed;  // job id -> image link
  for (const Json& gen : body["generations"]) {
    listed[gen.value("job_id", "")] = gen["images"].empty() ? "" : gen["images"][0].value("url", "");
  }
  EXPECT_GE(listed.size(), acknowledged.size());
  ::testing::Test::RecordProperty("acknowledged_uploads", static_cast<int>(acknowledged.size()));
  for (const std::string& job : acknowledged) {
    ASSERT_TRUE(listed.count(job)) << "job " << job << " was answered 201 but is gone";
    if (OnAzure()) {
      EXPECT_EQ(FetchFromAzurite(listed[job], {}, "GET").status, 200) << "image of job " << job;
      continue;
    }
    RawRequest get;
    get.target = PathAndQuery(listed[job]);
    EXPECT_EQ(service_e2e::Send(noisett.port(), get).status, 200) << "the image of job " << job;
  }
  EXPECT_EQ(noisett.Stop(), 0) << noisett.process().Log();
}

}  // namespace
}  // namespace noisett::service_e2e
