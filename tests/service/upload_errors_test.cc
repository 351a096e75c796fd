// Uploads the pipeline refuses: the answer carries the pipeline's error code with a 4xx status,
// and nothing is stored — no job in history, no new file in the blob store, no catalog rows
// counted by storage.metrics.
#include "image/test_images.h"
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

// A 1x1 GIF89a: a real image in a format the pipeline does not take.
const std::string kGif(
    "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;",
    43);

class UploadErrorsTest : public InProcessE2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    if (HasFatalFailure()) return;
    // A user of its own, so "history is empty" holds whatever else the suite uploaded.
    carol_ = noisett().Token("carol");
    ASSERT_FALSE(carol_.empty());
  }

  // Every file the store holds (data and meta), to show a refused upload wrote nothing.
  static size_t StoreFileCount() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(noisett().blob_root(), ec)) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }

  void ExpectRefusedAndNothingStored(const std::string& bytes, const std::string& content_type,
                                     int status, const std::string& code) {
    const size_t files_before = StoreFileCount();
    const RawResponse r = Call("POST", "/api/images?prompt=nope", carol_, bytes, content_type);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(ErrorCode(r), code) << r.body;
    EXPECT_EQ(StoreFileCount(), files_before) << "a refused upload left files in the store";
    const RawResponse history = Call("GET", "/api/history", carol_);
    ASSERT_EQ(history.status, 200) << history.body;
    EXPECT_EQ(BodyJson(history).value("total_count", -1), 0) << history.body;
    const RawResponse metrics = Call("GET", "/api/me/storage", carol_);
    EXPECT_EQ(BodyJson(metrics).value("total_images", -1), 0) << metrics.body;
    EXPECT_EQ(BodyJson(metrics).value("total_bytes", -1), 0) << metrics.body;
  }

  std::string carol_;
};

TEST_F(UploadErrorsTest, TruncatedJpegIsCorrupt) {
  const std::string jpeg = Jpeg(400, 300);
  ExpectRefusedAndNothingStored(jpeg.substr(0, jpeg.size() / 2), "image/jpeg", 400, "corrupt");
}

TEST_F(UploadErrorsTest, GifIsAnUnsupportedFormat) {
  ExpectRefusedAndNothingStored(kGif, "image/gif", 415, "unsupported_format");
  // The declared type does not matter: the content decides.
  ExpectRefusedAndNothingStored(kGif, "image/png", 415, "unsupported_format");
}

TEST_F(UploadErrorsTest, NonImageBodiesAreRefused) {
  ExpectRefusedAndNothingStored("", "image/png", 400, "empty");
  ExpectRefusedAndNothingStored("<html>not an image</html>", "image/png", 415,
                                "unsupported_format");
  ExpectRefusedAndNothingStored(Png(16, 16), "text/plain", 415, "unsupported_media_type");
}

TEST_F(UploadErrorsTest, DecompressionBombIsRefusedFromItsHeader) {
  const size_t files_before = StoreFileCount();
  const RawResponse r = Call("POST", "/api/images", carol_,
                             noisett::testing::PngWithDeclaredSize(100000, 100000), "image/png");
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
  EXPECT_EQ(StoreFileCount(), files_before);
  EXPECT_TRUE(HistoryIds(carol_).empty());
}

TEST_F(UploadErrorsTest, UploadIntoAFullJobIsAConflictAndStoresNothing) {
  const std::string job = Upload(carol_, Png(20, 20)).value("job_id", "");
  for (int i = 1; i < 8; ++i) {
    const Json more = Upload(carol_, Png(20, 20 + i), "job_id=" + job);
    EXPECT_EQ(more.value("image_index", -1), i);
    EXPECT_EQ(more.value("new_job", true), false);
  }
  const size_t files_before = StoreFileCount();
  const RawResponse r = Call("POST", "/api/images?job_id=" + job, carol_, Png(20, 40), "image/png");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(StoreFileCount(), files_before);
  const RawResponse get = Call("GET", "/api/history/" + job, carol_);
  EXPECT_EQ(BodyJson(get).value("image_count", 0), 8) << get.body;
}

}  // namespace
}  // namespace noisett::service_e2e
