// GET|HEAD /blobs/...: ranges, conditional requests and link checks, against a real
// LocalBlobStore on a temporary directory and a real LocalLinkSigner (ManualClock for time).
#include "http/blob_handler.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "core/http_date.h"
#include "http/blob_test_store.h"
#include "storage/local_blob_store.h"

namespace noisett::http {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kContainer[] = "noisett-storage";
constexpr char kPath[] = "generated/alice/01JABCDEFGHJKMNPQRSTVWXYZ0/image_0.jpg";
constexpr char kBase[] = "http://localhost:8080";

using Kind = RangeDecision::Kind;

TEST(RangeTest, SingleRanges) {
  auto r = DecideRange("bytes=0-0", 1000);
  EXPECT_EQ(r.kind, Kind::kSatisfiable);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 1u);
  r = DecideRange("bytes=-500", 1000);
  EXPECT_EQ(r.kind, Kind::kSatisfiable);
  EXPECT_EQ(r.offset, 500u);
  EXPECT_EQ(r.length, 500u);
  r = DecideRange("bytes=100-", 1000);
  EXPECT_EQ(r.offset, 100u);
  EXPECT_EQ(r.length, 900u);
  r = DecideRange("bytes=990-5000", 1000);  // an end past the size is clamped
  EXPECT_EQ(r.offset, 990u);
  EXPECT_EQ(r.length, 10u);
  r = DecideRange("bytes=-5000", 1000);  // a suffix longer than the blob is all of it
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(r.length, 1000u);
  r = DecideRange("BYTES= 5-9 ", 1000);
  EXPECT_EQ(r.kind, Kind::kSatisfiable);
  EXPECT_EQ(r.length, 5u);
}

TEST(RangeTest, Unsatisfiable) {
  EXPECT_EQ(DecideRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(DecideRange("bytes=5000-6000", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(DecideRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(DecideRange("bytes=0-0", 0).kind, Kind::kUnsatisfiable);
  EXPECT_EQ(DecideRange("bytes=99999999999999999999999-", 1000).kind, Kind::kUnsatisfiable);
}

TEST(RangeTest, IgnoredMeansTheWholeBlob) {
  for (const char* h : {"bytes=0-1,5-6", "items=0-1", "bytes=5-1", "bytes=a-b", "bytes=-",
                        "bytes=", "bytes 0-1", "", "bytes=1-2-3", "bytes=--1"}) {
    EXPECT_EQ(DecideRange(h, 1000).kind, Kind::kIgnore) << h;
  }
}

TEST(IfNoneMatchTest, WeakComparison) {
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchMatches("abc", "\"abc\""));
}

class BlobRouteTest : public ::testing::Test {
 protected:
  BlobRouteTest() {
    testing::BlobTestStore made = testing::MakeBlobTestStore(clock_, kBase);
    dir_ = made.dir;
    store_ = std::move(made.store);
    signer_ = std::move(made.signer);
    storage::PutOptions put;
    put.content_type = "image/jpeg";
    props_ = *store_->Put(kPath, content_, put);
    deps_.emplace(BlobHandlerDeps{*signer_, *store_, kContainer, clock_});
  }
  ~BlobRouteTest() override { std::filesystem::remove_all(dir_); }

  std::string Link(const std::string& path = kPath, int64_t ttl = 3600) {
    auto link = signer_->Sign(kContainer, path, kNow + ttl);
    EXPECT_TRUE(link);
    return link->url.substr(std::string(kBase).size());
  }

  // The handler's answer as it is (a body may be a file).
  HttpResponse ServeRaw(const std::string& target) {
    HttpRequest q;
    q.method = "GET";
    q.target = target;
    auto segments = SplitPath(q.path());
    EXPECT_TRUE(segments) << target;
    RouteParams p;
    p.rest.assign(segments->begin() + 1, segments->end());
    return ServeBlob(*deps_, q, p);
  }

  HttpResponse Serve(const std::string& target, const std::string& method = "GET",
                     Headers headers = {}) {
    HttpRequest q;
    q.method = method;
    q.target = target;
    q.headers = std::move(headers);
    auto segments = SplitPath(q.path());
    EXPECT_TRUE(segments) << target;
    RouteParams p;
    p.rest.assign(segments->begin() + 1, segments->end());
    HttpResponse r = ServeBlob(*deps_, q, p);
    if (r.file) {
      // What the server would send from the file (with sendfile), read here so the checks below
      // see the bytes either way.
      EXPECT_TRUE(r.body.empty());
      r.body.resize(r.file->length);
      EXPECT_EQ(::pread(r.file->fd, r.body.data(), r.body.size(), off_t(r.file->offset)),
                ssize_t(r.body.size()));
      ++file_bodies_;
    }
    return r;
  }

  std::string dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<storage::LocalBlobStore> store_;
  std::unique_ptr<storage::LocalLinkSigner> signer_;
  std::optional<BlobHandlerDeps> deps_;
  std::string content_ = "0123456789abcdefghij";
  storage::BlobProperties props_;
  int file_bodies_ = 0;  // answers whose body was the blob's open file
};

TEST_F(BlobRouteTest, ServesTheBlobWithCacheHeaders) {
  HttpResponse r = Serve(Link());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, content_);
  EXPECT_EQ(r.headers.Get("Content-Type"), "image/jpeg");
  EXPECT_EQ(r.headers.Get("ETag"), props_.etag);
  EXPECT_EQ(r.headers.Get("Last-Modified"), FormatHttpDate(props_.last_modified));
  EXPECT_EQ(r.headers.Get("Cache-Control"), "public, max-age=3600, immutable");
  EXPECT_EQ(r.headers.Get("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.headers.Get("X-Content-Type-Options"), "nosniff");
}

TEST_F(BlobRouteTest, BodiesAreTheDataFileItselfNeverACopy) {
  // Whole and ranged GETs hand the server the data file (sent with sendfile), HEAD nothing.
  EXPECT_EQ(Serve(Link()).body, content_);
  Headers h;
  h.Set("Range", "bytes=3-5");
  EXPECT_EQ(Serve(Link(), "GET", h).body, "345");
  EXPECT_EQ(file_bodies_, 2);
  HttpResponse head = Serve(Link(), "HEAD");
  EXPECT_FALSE(head.file);
  // The span keeps its descriptor open: the bytes stay readable after the blob is overwritten.
  HttpResponse before = ServeRaw(Link());
  ASSERT_TRUE(before.file);
  ASSERT_TRUE(store_->Put(kPath, "new", {}));
  std::string bytes(before.file->length, '\0');
  ASSERT_EQ(::pread(before.file->fd, bytes.data(), bytes.size(), off_t(before.file->offset)),
            ssize_t(bytes.size()));
  EXPECT_EQ(bytes, content_);
  EXPECT_EQ(Serve(Link()).body, "new");
}

TEST_F(BlobRouteTest, MaxAgeIsTheLinksRemainingLifetime) {
  std::string link = Link(kPath, 7 * 24 * 3600);
  clock_.Advance(100);
  EXPECT_EQ(Serve(link).headers.Get("Cache-Control"),
            "public, max-age=" + std::to_string(7 * 24 * 3600 - 100) + ", immutable");
}

TEST_F(BlobRouteTest, HeadSendsTheLengthWithoutTheBody) {
  HttpResponse r = Serve(Link(), "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.Get("Content-Length"), std::to_string(content_.size()));
}

TEST_F(BlobRouteTest, Ranges) {
  Headers h;
  h.Set("Range", "bytes=0-0");
  HttpResponse r = Serve(Link(), "GET", h);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, "0");
  EXPECT_EQ(r.headers.Get("Content-Range"), "bytes 0-0/20");
  h.Set("Range", "bytes=-5");
  r = Serve(Link(), "GET", h);
  EXPECT_EQ(r.body, "fghij");
  EXPECT_EQ(r.headers.Get("Content-Range"), "bytes 15-19/20");
  h.Set("Range", "bytes=18-");
  EXPECT_EQ(Serve(Link(), "GET", h).body, "ij");
  h.Set("Range", "bytes=20-");
  r = Serve(Link(), "GET", h);
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.headers.Get("Content-Range"), "bytes */20");
  h.Set("Range", "bytes=0-1,4-5");
  r = Serve(Link(), "GET", h);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, content_);
  h.Set("Range", "bytes=2-3");
  r = Serve(Link(), "HEAD", h);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.headers.Get("Content-Length"), "2");
}

TEST_F(BlobRouteTest, IfRangeWithAnotherValidatorSendsEverything) {
  Headers h;
  h.Set("Range", "bytes=0-0");
  h.Set("If-Range", "\"stale\"");
  EXPECT_EQ(Serve(Link(), "GET", h).status, 200);
  h.Set("If-Range", props_.etag);
  EXPECT_EQ(Serve(Link(), "GET", h).status, 206);
}

TEST_F(BlobRouteTest, IfNoneMatchIs304) {
  Headers h;
  h.Set("If-None-Match", props_.etag);
  HttpResponse r = Serve(Link(), "GET", h);
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.Get("ETag"), props_.etag);
  EXPECT_TRUE(r.headers.Get("Cache-Control"));
  h.Set("If-None-Match", "\"other\"");
  EXPECT_EQ(Serve(Link(), "GET", h).status, 200);
}

void ExpectForbidden(const HttpResponse& r, std::string_view target) {
  EXPECT_EQ(r.status, 403) << target << " " << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"].get<std::string>().rfind("link_", 0), 0u)
      << r.body;
}

TEST_F(BlobRouteTest, EveryLinkProblemIs403) {
  std::string good = Link();
  size_t q = good.find('?');
  std::string path = good.substr(0, q);
  ExpectForbidden(Serve(path), path);
  std::string tampered = good;
  size_t sig = tampered.find("sig=") + 4;
  tampered[sig] = tampered[sig] == 'A' ? 'B' : 'A';
  ExpectForbidden(Serve(tampered), tampered);
  std::string other_path =
      "/blobs/noisett-storage/generated/bob/01JABCDEFGHJKMNPQRSTVWXYZ0/image_0.jpg" +
      good.substr(q);
  ExpectForbidden(Serve(other_path), other_path);
  std::string write = good;
  write.replace(write.find("sp=r"), 4, "sp=w");
  ExpectForbidden(Serve(write), write);
  std::string twice = good + "&sp=r";
  ExpectForbidden(Serve(twice), twice);
  clock_.Advance(3600);
  ExpectForbidden(Serve(good), "expired");
}

TEST_F(BlobRouteTest, MissingBlobWithAValidLinkIs404) {
  std::string link = Link("generated/alice/01JABCDEFGHJKMNPQRSTVWXYZ0/image_1.jpg");
  EXPECT_EQ(Serve(link).status, 404);
}

TEST_F(BlobRouteTest, InvalidBlobNamesAre400BeforeTheStore) {
  std::string query = Link().substr(Link().find('?'));
  for (const char* p : {"/blobs/noisett-storage/a~b", "/blobs/noisett-storage/a%20b",
                        "/blobs/noisett-storage/%C3%A9"}) {
    EXPECT_EQ(Serve(p + query).status, 400) << p;
  }
}

}  // namespace
}  // namespace noisett::http
