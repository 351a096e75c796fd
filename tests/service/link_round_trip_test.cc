// Upload → history → signed link, through the server's routes (in process; the link origin test
// over a real server): the link serves exactly the bytes the store
// holds, as a decodable JPEG of the reported size, with the cache and safety headers a CDN and a
// browser rely on, and with ranges, conditional requests and HEAD done right.
#include <chrono>
#include <ctime>
#include <thread>

#include "image/test_images.h"
#include "service/e2e_fixture.h"
#include "storage/link_signer.h"
#include "storage/query_params.h"

namespace noisett::service_e2e {
namespace {

constexpr int64_t kLinkBucket = 3600;  // NOISETT_LINK_BUCKET's default

class LinkRoundTripTest : public InProcessE2eTest {
 protected:
  // Uploads a 640x480 PNG for alice and returns the image record history.list gives for it.
  static Json UploadAndFindInHistory(const std::string& prompt) {
    const Json up = Upload(alice_, Png(640, 480), "prompt=" + prompt);
    const std::string job = up.value("job_id", "");
    const RawResponse r = Call("GET", "/api/history?limit=200", alice_);
    EXPECT_EQ(r.status, 200) << r.body;
    const Json history = BodyJson(r);
    for (const Json& gen : history.value("generations", Json::array())) {
      if (gen.value("job_id", "") != job) continue;
      EXPECT_EQ(gen.value("prompt", ""), prompt);
      EXPECT_EQ(gen.value("image_count", 0), 1);
      if (gen["images"].size() == 1) return gen["images"][0];
    }
    ADD_FAILURE() << "job " << job << " is not in history: " << r.body;
    return Json::object();
  }

  // The link's expiry (se) as Unix seconds.
  static int64_t ExpiryOf(const std::string& url) {
    const std::string path_and_query = PathAndQuery(url);
    auto query = storage::QueryParams::Parse(path_and_query.substr(path_and_query.find('?') + 1));
    EXPECT_TRUE(query.has_value());
    if (!query || !query->Get("se")) return 0;
    auto se = storage::ParseIsoUtc(*query->Get("se"));
    EXPECT_TRUE(se.has_value());
    return se ? *se : 0;
  }

  // The Cache-Control the link's answer carries. Azure serves the SAS's rscc instead of the
  // blob's own; Azurite ignores rscc (REFERENCE.md §2), so on Azurite this reads the rscc the
  // link asks for, which is what Azure itself would send.
  static std::string LinkCacheControl(const std::string& url, const RawResponse& r) {
    if (!OnAzure()) return r.Header("cache-control");
    const std::string path_and_query = PathAndQuery(url);
    auto query = storage::QueryParams::Parse(path_and_query.substr(path_and_query.find('?') + 1));
    EXPECT_TRUE(query && query->Get("rscc")) << "no rscc in " << url;
    return query && query->Get("rscc") ? std::string(*query->Get("rscc")) : "";
  }

  static int64_t MaxAge(const std::string& cache_control) {
    const size_t at = cache_control.find("max-age=");
    if (at == std::string::npos) return -1;
    return std::stoll(cache_control.substr(at + 8));
  }
};

TEST_F(LinkRoundTripTest, ImageLinkServesTheStoredBytesAsAJpegOfTheReportedSize) {
  const Json image = UploadAndFindInHistory("a-lighthouse");
  const std::string url = image.value("url", "");
  ASSERT_FALSE(url.empty()) << image.dump();
  EXPECT_EQ(image.value("width", 0), 640);
  EXPECT_EQ(image.value("height", 0), 480);
  EXPECT_EQ(image.value("content_type", ""), "image/jpeg");

  const RawResponse r = FetchLink(url);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string stored = StoredBlob(BlobPathOfLink(url));
  ASSERT_FALSE(stored.empty());
  EXPECT_TRUE(r.body == stored) << "the link's bytes differ from the blob file on disk";
  EXPECT_EQ(r.body.size(), image.value("bytes", uint64_t{0}));
  EXPECT_EQ(r.Header("content-length"), std::to_string(stored.size()));
  EXPECT_EQ(r.Header("content-type"), "image/jpeg");
  ASSERT_GE(r.body.size(), 3u);
  EXPECT_EQ(r.body.substr(0, 3), std::string("\xFF\xD8\xFF")) << "not a JPEG";
  vips::VImage decoded = noisett::testing::Decode(r.body);
  EXPECT_EQ(decoded.width(), 640);
  EXPECT_EQ(decoded.height(), 480);

  // A second GET: the same bytes under the same validator.
  const RawResponse again = FetchLink(url);
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.body == r.body);
  EXPECT_EQ(again.Header("etag"), r.Header("etag"));
}

TEST_F(LinkRoundTripTest, ThumbnailLinkServesAJpegOfAtMost256Pixels) {
  const Json image = UploadAndFindInHistory("thumb");
  const std::string url = image.value("thumbnail_url", "");
  ASSERT_FALSE(url.empty()) << image.dump();
  EXPECT_NE(BlobPathOfLink(url), BlobPathOfLink(image.value("url", "")));
  const RawResponse r = FetchLink(url);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "image/jpeg");
  EXPECT_TRUE(r.body == StoredBlob(BlobPathOfLink(url)));
  EXPECT_EQ(r.body.size(), image.value("thumbnail_bytes", uint64_t{0}));
  vips::VImage decoded = noisett::testing::Decode(r.body);
  EXPECT_LE(decoded.width(), 256);
  EXPECT_LE(decoded.height(), 256);
  EXPECT_EQ(decoded.width(), 256) << "a 640x480 source fits 256x256 as 256 wide";
}

TEST_F(LinkRoundTripTest, LinkAnswersCarryCacheAndSafetyHeaders) {
  const Json image = UploadAndFindInHistory("headers");
  const std::string url = image.value("url", "");
  const int64_t before = std::time(nullptr);
  const RawResponse r = FetchLink(url);
  ASSERT_EQ(r.status, 200) << r.body;

  const std::string etag = r.Header("etag");
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"') << "a strong ETag is a quoted string without W/: " << etag;
  EXPECT_EQ(etag.back(), '"') << etag;

  const std::string last_modified = r.Header("last-modified");
  EXPECT_EQ(last_modified.size(), 29u) << "IMF-fixdate: " << last_modified;
  EXPECT_NE(last_modified.find(" GMT"), std::string::npos) << last_modified;

  const std::string cache = LinkCacheControl(url, r);
  EXPECT_NE(cache.find("public"), std::string::npos) << cache;
  EXPECT_NE(cache.find("immutable"), std::string::npos) << cache;
  const int64_t max_age = MaxAge(cache);
  const int64_t remaining = ExpiryOf(url) - before;
  EXPECT_GT(max_age, 0) << cache;
  // A cache must not keep the answer longer than the link stays valid.
  EXPECT_LE(max_age, remaining + 1) << cache << " for a link valid " << remaining << " s more";
  // Noisett counts max-age when it serves; a SAS carries it from the end of the link's bucket
  // (NOISETT_LINK_BUCKET, 1 h), the last moment the same link is handed out.
  const int64_t slack = OnAzure() ? kLinkBucket : 60;
  EXPECT_GT(max_age, remaining - slack) << "max-age should follow the link's lifetime: " << cache;

  if (!OnAzure()) {  // noisett's own answer; Azure's headers are Azure's
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  }
  EXPECT_EQ(r.Header("accept-ranges"), "bytes");
}

TEST_F(LinkRoundTripTest, ShortLinkFromImagesUrlCapsMaxAgeAtItsLifetime) {
  const Json up = Upload(alice_, Png(64, 64));
  const RawResponse u = Call("GET",
                             "/api/images/" + up.value("job_id", "") + "/0/url?expiry_hours=1",
                             alice_);
  ASSERT_EQ(u.status, 200) << u.body;
  const Json link = BodyJson(u);
  const std::string url = link.value("sas_url", "");
  const int64_t now = std::time(nullptr);
  // An hour from the end of the link's bucket: at least an hour, at most a bucket more.
  EXPECT_LE(ExpiryOf(url), now + 3600 + kLinkBucket + 1);
  EXPECT_GE(ExpiryOf(url), now + 3600 - 60);
  const RawResponse r = FetchLink(url);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string cache = LinkCacheControl(url, r);
  EXPECT_LE(MaxAge(cache), ExpiryOf(url) - now + 1) << cache;
  EXPECT_GE(MaxAge(cache), 3600 - 60) << cache;
}

// Links are cache-stable: history answers a second apart (or any time in one link bucket) hand
// out the same URLs byte for byte, so the browser and a CDN find the images in their caches; the
// links still work.
TEST_F(LinkRoundTripTest, HistoryAnswersInOneBucketHandOutTheSameLinks) {
  UploadAndFindInHistory("stable");
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int64_t t0 = std::time(nullptr);
    const RawResponse a = Call("GET", "/api/history?limit=200", alice_);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const RawResponse b = Call("GET", "/api/history?limit=200", alice_);
    const int64_t t1 = std::time(nullptr);
    ASSERT_EQ(a.status, 200);
    ASSERT_EQ(b.status, 200);
    if (t0 / kLinkBucket != t1 / kLinkBucket) continue;  // crossed a bucket's end: try again
    EXPECT_EQ(a.body, b.body) << "two answers a second apart differ";
    const Json first = BodyJson(a)["generations"];
    ASSERT_FALSE(first.empty());
    const std::string url = first[0]["images"][0].value("url", "");
    EXPECT_EQ(FetchLink(url).status, 200) << url;
    // Expiry: the bucket's end plus the listing lifetime (a day).
    EXPECT_EQ(ExpiryOf(url), (t0 / kLinkBucket + 1) * kLinkBucket + 24 * 3600) << url;
    return;
  }
  FAIL() << "both attempts straddled a bucket's end";
}

TEST_F(LinkRoundTripTest, RangeRequestsGetTheRightSlice) {
  const Json image = UploadAndFindInHistory("ranges");
  const std::string url = image.value("url", "");
  const RawResponse whole = FetchLink(url);
  ASSERT_EQ(whole.status, 200);
  const size_t size = whole.body.size();
  ASSERT_GT(size, 200u);

  const RawResponse mid = FetchLink(url, {{"Range", "bytes=10-99"}});
  ASSERT_EQ(mid.status, 206) << mid.body;
  EXPECT_TRUE(mid.body == whole.body.substr(10, 90));
  EXPECT_EQ(mid.Header("content-range"), "bytes 10-99/" + std::to_string(size));
  EXPECT_EQ(mid.Header("content-length"), "90");
  EXPECT_EQ(mid.Header("etag"), whole.Header("etag"));

  // Azure Blob Storage does not take suffix ranges ("bytes=-N"); noisett's own links do.
  if (!OnAzure()) {
    const RawResponse tail = FetchLink(url, {{"Range", "bytes=-16"}});
    ASSERT_EQ(tail.status, 206) << tail.body;
    EXPECT_TRUE(tail.body == whole.body.substr(size - 16));
    EXPECT_EQ(tail.Header("content-range"),
              "bytes " + std::to_string(size - 16) + "-" + std::to_string(size - 1) + "/" +
                  std::to_string(size));
  }

  const RawResponse open_end = FetchLink(url, {{"Range", "bytes=" + std::to_string(size - 3) + "-"}});
  ASSERT_EQ(open_end.status, 206);
  EXPECT_TRUE(open_end.body == whole.body.substr(size - 3));
}

// Not on Azurite (not registered there: service_tests.cmake): Azure answers 416 here, Azurite an
// empty 206 for a range starting at the end (AzureBlobStore turns that into InvalidRange itself:
// blob_store_contract_test.cc).
TEST_F(LinkRoundTripTest, UnsatisfiableRangeGets416WithTheSize) {
  if (OnAzure()) GTEST_SKIP() << "Azurite answers an empty 206 here (see above)";
  const Json image = UploadAndFindInHistory("bad-range");
  const std::string url = image.value("url", "");
  const uint64_t size = image.value("bytes", uint64_t{0});
  ASSERT_GT(size, 0u);
  const RawResponse r = FetchLink(url, {{"Range", "bytes=" + std::to_string(size) + "-"}});
  EXPECT_EQ(r.status, 416) << r.body;
  EXPECT_EQ(r.Header("content-range"), "bytes */" + std::to_string(size));
  EXPECT_EQ(r.body.find("\xFF\xD8"), std::string::npos) << "a 416 must not carry image bytes";
}

TEST_F(LinkRoundTripTest, IfNoneMatchWithTheETagGets304) {
  const Json image = UploadAndFindInHistory("conditional");
  const std::string url = image.value("url", "");
  const RawResponse first = FetchLink(url);
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.Header("etag");
  ASSERT_FALSE(etag.empty());

  const RawResponse same = FetchLink(url, {{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  if (!OnAzure()) {  // Azurite's 304 carries no ETag
    EXPECT_EQ(same.Header("etag"), etag);
  }
  EXPECT_NE(LinkCacheControl(url, same).find("immutable"), std::string::npos);

  const RawResponse other = FetchLink(url, {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_TRUE(other.body == first.body);
}

TEST_F(LinkRoundTripTest, HeadGivesTheHeadersOfGetWithoutTheBody) {
  const Json image = UploadAndFindInHistory("head");
  const std::string url = image.value("url", "");
  const RawResponse get = FetchLink(url);
  ASSERT_EQ(get.status, 200);
  const RawResponse head = FetchLink(url, {}, "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty()) << head.body.size() << " body bytes after a HEAD answer";
  EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.Header("content-type"), "image/jpeg");
  EXPECT_EQ(head.Header("etag"), get.Header("etag"));
  EXPECT_EQ(head.Header("last-modified"), get.Header("last-modified"));
}

// A real `noisett serve`: what links point at is decided when it binds.
class ServedLinksTest : public E2eTest {};

// With --listen 127.0.0.1:0 and no --public-url, links should name the port the server bound,
// not port 0 (DESIGN: "NOISETT_PUBLIC_URL ... default http://LISTEN"). On Azure a link is the
// blob's own URL.
TEST_F(ServedLinksTest, DefaultLinkOriginIsTheAddressTheServerListensOn) {
  const Json up = Upload(alice_, Png(32, 32));
  const std::string url = up["image"].value("url", "");
  if (OnAzure()) {
    EXPECT_NE(url.find(AzuriteContainerPath() + "generated/alice/"), std::string::npos) << url;
    EXPECT_EQ(url.rfind("https://127.0.0.1:", 0), 0u) << url;
    return;
  }
  EXPECT_EQ(url.rfind(noisett().base_url() + "/blobs/", 0), 0u)
      << "link " << url << " does not point at " << noisett().base_url();
}

}  // namespace
}  // namespace noisett::service_e2e
