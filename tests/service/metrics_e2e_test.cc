// GET /metrics of a real `noisett serve` after a known sequence of uploads and signed-link reads:
// the numbers must match the store (capacity by tier = the bytes of the files the local store
// holds, put operations = the files written) and what this test did (egress = the bytes it
// downloaded, reads, uploads, token checks, pipeline runs). Both doors are checked: the API
// listener's /metrics for an admin token only (401 without one, 403 for a user), and the plain
// NOISETT_METRICS_ADDR listener.
#include <algorithm>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "image/test_images.h"
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

// "name{labels}" exactly as rendered (labels sorted by name) -> value.
using Samples = std::map<std::string, double>;

Samples ParseMetrics(const std::string& text) {
  Samples samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

double At(const Samples& samples, const std::string& key) {
  auto it = samples.find(key);
  EXPECT_NE(it, samples.end()) << "no sample " << key;
  return it == samples.end() ? -1 : it->second;
}

// How much `key` grew from `before` to `after` (a series absent before counts from 0), so each
// test counts only what it did, whichever ran first on the suite's server.
double Delta(const Samples& before, const Samples& after, const std::string& key) {
  auto it = before.find(key);
  return At(after, key) - (it == before.end() ? 0 : it->second);
}

// The port of "noisett metrics on http://127.0.0.1:PORT/metrics" in the server's log.
uint16_t MetricsPort(const std::string& log) {
  const std::string marker = "noisett metrics on http://127.0.0.1:";
  const size_t at = log.find(marker);
  if (at == std::string::npos) return 0;
  return static_cast<uint16_t>(std::stoi(log.substr(at + marker.size())));
}

class MetricsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    noisett::testing::InitVips();
    noisett_ = std::make_unique<Noisett>();
    // Capacity scanned on every scrape (TTL 0), so the gauges are exact right after the writes.
    start_error_ =
        noisett_->Start({}, {"NOISETT_METRICS_ADDR=127.0.0.1:0", "NOISETT_METRICS_CAPACITY_TTL=0"});
    if (!start_error_.empty()) return;
    alice_ = noisett_->Token("alice");
    const auto admin =
        Noisett::Cli({"token", "--user", "root", "--admin", "--data-dir", noisett_->data_dir()});
    EXPECT_EQ(admin.status, 0) << admin.err;
    admin_ = admin.out.substr(0, admin.out.find_first_of("\r\n"));
  }

  static void TearDownTestSuite() {
    if (noisett_ && noisett_->process().running()) {
      // The log is read after the stop: what a crash while stopping printed (a sanitizer report,
      // an abort's message) is in it only then.
      const int status = noisett_->Stop();
      EXPECT_EQ(status, 0) << "noisett serve log:\n" << noisett_->process().Log();
    }
    noisett_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(start_error_.empty()) << start_error_;
    ASSERT_FALSE(alice_.empty());
    ASSERT_FALSE(admin_.empty());
  }

  static RawResponse Call(const std::string& method, const std::string& target,
                          const std::string& token, const std::string& body = "",
                          const std::string& content_type = "", uint16_t port = 0) {
    RawRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
    if (!content_type.empty()) request.headers.push_back({"Content-Type", content_type});
    return Send(port != 0 ? port : noisett_->port(), request);
  }

  // GET /metrics on the API listener with the admin token, parsed.
  static Samples AdminScrape() {
    const RawResponse r = Call("GET", "/metrics", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return ParseMetrics(r.body);
  }

  // Sizes of the data files of every blob version the local store holds, by name prefix.
  static uint64_t StoredBytes() {
    uint64_t total = 0;
    for (const auto& [path, size] : BlobFiles()) total += size;
    return total;
  }

  static std::map<std::string, uint64_t> BlobFiles() {
    std::map<std::string, uint64_t> files;
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(noisett_->blob_root(), ec)) {
      if (!entry.is_regular_file()) continue;
      const std::string blob = entry.path().parent_path().filename().string();
      const std::string name = entry.path().filename().string();
      if (blob.empty() || blob.back() != '@') continue;  // not a blob directory
      if (name == "meta.json" || name.rfind(".tmp", 0) == 0) continue;
      files[entry.path().string()] = entry.file_size();
    }
    return files;
  }

  static std::unique_ptr<Noisett> noisett_;
  static std::string start_error_;
  static std::string alice_;
  static std::string admin_;
};

std::unique_ptr<Noisett> MetricsE2eTest::noisett_;
std::string MetricsE2eTest::start_error_;
std::string MetricsE2eTest::alice_;
std::string MetricsE2eTest::admin_;

constexpr char kUploadSeries[] =
    "noisett_http_request_duration_seconds_count{method=\"POST\",route=\"/api/images\","
    "status_class=\"2xx\"}";

TEST_F(MetricsE2eTest, NumbersMatchTheStoreAfterUploadsAndReads) {
  if (OnAzure()) GTEST_SKIP() << "the local store's files are counted here";
  const Samples before = AdminScrape();
  // Three uploads: three pipeline runs, three 201s, three token checks: one per upload, whether
  // its body is over 64 KiB (checked from its head before it is read, the handler gets that
  // caller) or not (checked when handled).
  const std::vector<std::string> images = {
      noisett::testing::ToPng(noisett::testing::Textured(64, 48)),
      noisett::testing::ToPng(noisett::testing::Textured(320, 200)),
      noisett::testing::ToJpeg(noisett::testing::Textured(500, 300))};
  std::vector<Json> uploaded;
  for (size_t i = 0; i < images.size(); ++i) {
    const RawResponse r =
        Call("POST", "/api/images", alice_, images[i], i < 2 ? "image/png" : "image/jpeg");
    ASSERT_EQ(r.status, 201) << r.body;
    uploaded.push_back(Json::parse(r.body)["image"]);
  }
  ASSERT_TRUE(std::any_of(images.begin(), images.end(), [](const std::string& b) {
    return b.size() > 64 * 1024;
  })) << "an upload must take the large-body path (checked from its head)";
  const Samples after_uploads = AdminScrape();  // the fourth token check (admin)

  // Signed-link reads: every full image, two thumbnails, and the first image once more.
  uint64_t image_bytes = 0, thumb_bytes = 0;
  int reads = 0;
  auto fetch = [&](const std::string& url, uint64_t* bytes) {
    RawRequest request;
    request.target = PathAndQuery(url);
    const RawResponse r = Send(noisett_->port(), request);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_FALSE(r.body.empty());
    *bytes += r.body.size();
    ++reads;
  };
  for (const Json& image : uploaded) fetch(image.value("url", ""), &image_bytes);
  fetch(uploaded[0].value("thumbnail_url", ""), &thumb_bytes);
  fetch(uploaded[2].value("thumbnail_url", ""), &thumb_bytes);
  fetch(uploaded[0].value("url", ""), &image_bytes);
  const Samples m = AdminScrape();  // the fifth token check

  // Capacity: every byte the store holds (images, thumbnails, metadata.json), all hot.
  EXPECT_EQ(At(m, "noisett_blob_used_capacity_bytes{tier=\"hot\"}"), double(StoredBytes()));
  EXPECT_EQ(At(m, "noisett_blobs{tier=\"hot\"}"), double(BlobFiles().size()));
  for (const char* tier : {"cool", "cold", "archive"}) {
    EXPECT_EQ(At(m, std::string("noisett_blob_used_capacity_bytes{tier=\"") + tier + "\"}"), 0);
  }
  // Egress: exactly the bytes downloaded, by kind.
  EXPECT_EQ(Delta(before, m, "noisett_egress_bytes_total{kind=\"image\"}"), double(image_bytes));
  EXPECT_EQ(Delta(before, m, "noisett_egress_bytes_total{kind=\"thumbnail\"}"),
            double(thumb_bytes));
  EXPECT_EQ(Delta(before, m, "noisett_egress_bytes_total{kind=\"other\"}"), 0);
  // Operations: one put per file written (every version is a file; only this test uploads);
  // one get per link read.
  EXPECT_EQ(At(m, "noisett_blob_operations_total{op=\"put\",result=\"ok\"}"),
            double(BlobFiles().size()));
  EXPECT_EQ(Delta(after_uploads, m, "noisett_blob_operations_total{op=\"get\",result=\"ok\"}"),
            reads);
  // Requests, tokens, pipeline.
  EXPECT_EQ(Delta(before, m, kUploadSeries), 3);
  EXPECT_EQ(Delta(before, m,
                  "noisett_http_request_duration_seconds_count{method=\"GET\","
                  "route=\"/blobs/*\",status_class=\"2xx\"}"),
            reads);
  // `before` and `after_uploads`; a scrape is counted once written, so `m` is not in itself.
  EXPECT_EQ(Delta(before, m,
                  "noisett_http_request_duration_seconds_count{method=\"GET\","
                  "route=\"/metrics\",status_class=\"2xx\"}"),
            2);
  // Three uploads and two scrapes (`before` counted its own check): once per request.
  EXPECT_EQ(Delta(before, m, "noisett_token_validations_total{result=\"ok\"}"), 5);
  EXPECT_EQ(Delta(before, m, "noisett_image_pipeline_duration_seconds_count"), 3);
  EXPECT_GT(At(m, "noisett_image_pipeline_duration_seconds_sum"), 0);
  EXPECT_GT(At(m,
               "noisett_http_request_duration_seconds_sum{method=\"POST\","
               "route=\"/api/images\",status_class=\"2xx\"}"),
            0);

  // The plain listener shows the same registry, without any token.
  const uint16_t plain = MetricsPort(noisett_->process().Log());
  ASSERT_NE(plain, 0) << noisett_->process().Log();
  const RawResponse r = Call("GET", "/metrics", "", "", "", plain);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const Samples p = ParseMetrics(r.body);
  EXPECT_EQ(Delta(before, p, "noisett_egress_bytes_total{kind=\"image\"}"), double(image_bytes));
  EXPECT_EQ(Delta(before, p, kUploadSeries), 3);
  // The same registry; this listener checked no token.
  EXPECT_EQ(Delta(before, p, "noisett_token_validations_total{result=\"ok\"}"), 5);
  EXPECT_EQ(At(p, "noisett_blob_used_capacity_bytes{tier=\"hot\"}"), double(StoredBytes()));
  EXPECT_EQ(Call("GET", "/api/history", "", "", "", plain).status, 404);
}

TEST_F(MetricsE2eTest, ApiListenerWantsAnAdminToken) {
  const Samples before = AdminScrape();
  const RawResponse none = Call("GET", "/metrics", "");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_NE(none.Header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(none.body.find("noisett_"), std::string::npos);
  const RawResponse user = Call("GET", "/metrics", alice_);
  EXPECT_EQ(user.status, 403) << user.body;
  EXPECT_NE(user.body.find("not_admin"), std::string::npos) << user.body;
  EXPECT_EQ(user.body.find("noisett_"), std::string::npos);

  const Samples m = AdminScrape();
  EXPECT_EQ(Delta(before, m, "noisett_token_validations_total{result=\"missing\"}"), 1);
  // alice's (valid, but no admin) and this scrape's.
  EXPECT_EQ(Delta(before, m, "noisett_token_validations_total{result=\"ok\"}"), 2);
  EXPECT_EQ(Delta(before, m,
                  "noisett_http_request_duration_seconds_count{method=\"GET\","
                  "route=\"/metrics\",status_class=\"4xx\"}"),
            2);
  // A forged token is refused and counted under its reason.
  EXPECT_EQ(Call("GET", "/metrics", alice_ + "x").status, 401);
  const Samples again = AdminScrape();
  double refused = 0;
  for (const auto& [key, value] : again) {
    if (key.rfind("noisett_token_validations_total{", 0) == 0 &&
        key.find("result=\"ok\"") == std::string::npos &&
        key.find("result=\"missing\"") == std::string::npos) {
      refused += Delta(m, again, key);
    }
  }
  EXPECT_EQ(refused, 1);
}

}  // namespace
}  // namespace noisett::service_e2e
