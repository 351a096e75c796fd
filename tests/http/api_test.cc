// The API routes against the real service: LocalBlobStore on a temporary directory, SQLite in
// memory, the local link signer, and the optional-auth mode (X-Auth-Optional: true serves the
// anonymous user; no token validation is needed, so no validator is built). Router level: the
// transport has its own suite.
#include "http/api.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "catalog/sqlite_catalog.h"
#include "core/metric_names.h"
#include "core/metrics.h"
#include "http/test_client.h"
#include "image/pipeline.h"
#include "image/test_images.h"
#include "storage/link_signer.h"
#include "storage/local_blob_store.h"

namespace noisett::http {
namespace {

using Json = nlohmann::json;
constexpr int64_t kNow = 1'800'000'000;
constexpr char kBase[] = "http://localhost:8080";

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    noisett::testing::InitVips();
    image::InitPipeline();
    char tmpl[] = "/tmp/noisett-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage::LocalStoreConfig config;
    config.root = dir_;
    store_ = std::move(*storage::LocalBlobStore::Open(config, clock_));
    catalog_ = std::move(*catalog::SqliteCatalog::Open(":memory:"));
    auto keys = storage::LinkKeySet::Create({{"k1", std::string(32, 's')}});
    signer_ = std::move(*storage::LocalLinkSigner::Create(kBase, std::move(*keys), clock_));
    service_ = std::make_unique<service::Service>(service::ServiceDeps{
        *store_, *catalog_, *signer_, clock_, metrics::Global(), job_ids_, {}});
    auth_ = std::make_unique<auth::Authenticator>(auth::AuthMode::kOptional, nullptr);
    router_ = MakeApiRouter(Deps());
  }
  ApiDeps Deps() { return {*service_, *auth_, signer_.get(), *store_, "noisett-storage", clock_}; }
  ~ApiTest() override { std::filesystem::remove_all(dir_); }

  // X-Auth-Optional: true (the anonymous user) unless `anonymous` is false.
  static HttpRequest Request(std::string method, std::string target, std::string content_type = "",
                             std::string body = "", bool anonymous = true) {
    HttpRequest q;
    q.method = std::move(method);
    q.target = std::move(target);
    q.body = std::move(body);
    if (anonymous) q.headers.Add("X-Auth-Optional", "true");
    if (!content_type.empty()) q.headers.Add("Content-Type", content_type);
    return q;
  }

  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    std::string content_type = "", bool anonymous = true) {
    return router_->Handle(Request(std::move(method), std::move(target), std::move(content_type),
                                   std::move(body), anonymous));
  }

  // Authenticator::Authenticate calls so far with this result (the auth module's own counter).
  static double TokenChecks(const std::string& result) {
    return metrics::Global()
        .GetCounter(metrics::names::kTokenValidations, metrics::names::kTokenValidationsHelp,
                    {{"result", result}})
        .Value();
  }

  static std::string Code(const HttpResponse& r) {
    auto j = Json::parse(r.body, nullptr, false);
    return j.contains("error") ? j["error"]["code"].get<std::string>() : "";
  }

  std::string Png() { return noisett::testing::ToPng(noisett::testing::Textured(64, 48)); }

  std::string dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<storage::LocalBlobStore> store_;
  std::unique_ptr<catalog::SqliteCatalog> catalog_;
  std::unique_ptr<storage::LocalLinkSigner> signer_;
  UlidSource job_ids_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::shared_ptr<Router> router_;
};

TEST_F(ApiTest, HealthAndReadiness) {
  EXPECT_EQ(Call("GET", "/healthz", "", "", false).status, 200);
  EXPECT_EQ(Call("GET", "/readyz", "", "", false).status, 200);
}

TEST_F(ApiTest, NoCredentialsIs401WithAChallenge) {
  HttpResponse r = Call("GET", "/api/history", "", "", /*anonymous=*/false);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Code(r), "missing");
  ASSERT_TRUE(r.headers.Get("WWW-Authenticate"));
  EXPECT_EQ(r.headers.Get("WWW-Authenticate")->rfind("Bearer realm=\"noisett\"", 0), 0u);
}

TEST_F(ApiTest, MalformedAuthorizationIs401InvalidToken) {
  HttpRequest q;
  q.method = "GET";
  q.target = "/api/history";
  q.headers.Add("Authorization", "Basic dXNlcjpwYXNz");
  HttpResponse r = router_->Handle(q);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.headers.Get("WWW-Authenticate")->find("invalid_token"), std::string_view::npos);
}

TEST_F(ApiTest, QueryArgsAreTypedAndChecked) {
  HttpResponse ok = Call("GET", "/api/history?limit=5");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.headers.Get("Cache-Control"), "no-store");
  EXPECT_EQ(ok.user, "anonymous");
  EXPECT_EQ(Call("GET", "/api/history?limit=abc").status, 400);
  EXPECT_EQ(Code(Call("GET", "/api/history?limit=abc")), "bad_input");
  EXPECT_EQ(Call("GET", "/api/history?limit=0").status, 400);  // the command's range
  EXPECT_EQ(Call("GET", "/api/history?limt=5").status, 400);   // unknown field
  EXPECT_EQ(Call("GET", "/api/history?limit=1&limit=2").status, 400);
  EXPECT_EQ(Call("GET", "/api/images?include_thumbnails=maybe").status, 400);
  EXPECT_EQ(Call("GET", "/api/images?include_thumbnails=true&limit=3").status, 200);
  EXPECT_EQ(Call("GET", "/api/favorites").status, 200);
  EXPECT_EQ(Call("GET", "/api/me/storage").status, 200);
}

TEST_F(ApiTest, PathParametersAreValidated) {
  EXPECT_EQ(Call("GET", "/api/history/not-a-ulid").status, 400);
  EXPECT_EQ(Call("GET", "/api/history/01JABCDEFGHJKMNPQRSTVWXYZ0").status, 404);
  EXPECT_EQ(Call("PUT", "/api/favorites/01JABCDEFGHJKMNPQRSTVWXYZ0/x").status, 400);
  EXPECT_EQ(Call("PUT", "/api/favorites/01JABCDEFGHJKMNPQRSTVWXYZ0/99").status, 400);
  EXPECT_EQ(Call("GET", "/api/history/01JABCDEFGHJKMNPQRSTVWXYZ0?job_id=x").status, 400);
  for (const char* trick : {"%2e%2e", "..", "%2F", "%00", "a%5Cb", "%2Fetc%2Fpasswd"}) {
    EXPECT_EQ(Code(Call("GET", std::string("/api/history/") + trick)), "bad_path") << trick;
    EXPECT_EQ(Code(Call("GET", std::string("/api/images/") + trick + "/0/url")), "bad_path");
    EXPECT_EQ(Code(Call("POST", std::string("/api/commands/") + trick)), "bad_path");
  }
}

TEST_F(ApiTest, UploadNeedsAnImageContentType) {
  HttpResponse r = Call("POST", "/api/images", "hello", "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(Call("POST", "/api/images", "hello").status, 415);  // no Content-Type at all
  EXPECT_EQ(Call("POST", "/api/images", "x", "multipart/form-data").status, 400);
}

TEST_F(ApiTest, UploadThenLinkThenBlob) {
  HttpResponse up = Call("POST", "/api/images?prompt=a+cat&seed=7", Png(), "image/png");
  ASSERT_EQ(up.status, 201) << up.body;
  Json job = Json::parse(up.body);
  std::string job_id = job["job_id"];
  HttpResponse url = Call("GET", "/api/images/" + job_id + "/0/url?expiry_hours=2&thumbnail=false");
  ASSERT_EQ(url.status, 200) << url.body;
  std::string link = Json::parse(url.body)["sas_url"];
  ASSERT_EQ(link.rfind(kBase, 0), 0u) << link;
  // Two hours from the end of the link's bucket (an hour by default): 2 to 3 hours from now.
  auto expires_at = storage::ParseIsoUtc(Json::parse(url.body).value("expires_at", ""));
  ASSERT_TRUE(expires_at) << url.body;
  EXPECT_GE(*expires_at - kNow, 7200);
  EXPECT_LE(*expires_at - kNow, 7200 + 3600);
  HttpResponse blob = Call("GET", link.substr(std::string(kBase).size()), "", "", false);
  EXPECT_EQ(blob.status, 200) << blob.body;
  EXPECT_EQ(blob.headers.Get("Content-Type"), "image/jpeg");
  EXPECT_EQ(blob.headers.Get("Cache-Control"),
            "public, max-age=" + std::to_string(*expires_at - kNow) + ", immutable");
  // The body is the blob's data file, for the server to send with sendfile.
  ASSERT_TRUE(blob.file);
  char magic[2] = {};
  ASSERT_EQ(::pread(blob.file->fd, magic, 2, off_t(blob.file->offset)), 2);
  EXPECT_EQ(std::string(magic, 2), "\xff\xd8");
  EXPECT_EQ(Call("GET", "/api/history/" + job_id).status, 200);
  EXPECT_EQ(Call("PUT", "/api/favorites/" + job_id + "/0").status, 200);
  EXPECT_EQ(Call("DELETE", "/api/favorites/" + job_id + "/0").status, 200);
  EXPECT_EQ(Call("DELETE", "/api/history/" + job_id).status, 200);
  EXPECT_EQ(Call("POST", "/api/history/" + job_id + "/restore").status, 200);
}

TEST_F(ApiTest, MultipartUpload) {
  std::string body =
      "--b0\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhi\r\n"
      "--b0\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
      "Content-Type: image/png\r\n\r\n" +
      Png() + "\r\n--b0--\r\n";
  HttpResponse r = Call("POST", "/api/images", body, "multipart/form-data; boundary=b0");
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(ApiTest, CommandsDoor) {
  EXPECT_EQ(Call("POST", "/api/commands/history.list", "{\"limit\":2}").status, 200);
  EXPECT_EQ(Call("POST", "/api/commands/history.list", "").status, 200);
  EXPECT_EQ(Code(Call("POST", "/api/commands/history.list", "not json")), "bad_input");
  EXPECT_EQ(Call("POST", "/api/commands/history.list", "[1]").status, 400);
  EXPECT_EQ(Call("POST", "/api/commands/no.such").status, 404);
  HttpResponse up = Call("POST", "/api/commands/images.upload?prompt=x", Png(), "image/png");
  EXPECT_EQ(up.status, 201) << up.body;
}

// The caller is authenticated once per request: from the head when the body is large (the body
// check), else when the request is handled; the handler gets the caller the check found.
TEST_F(ApiTest, ACallerIsAuthenticatedOncePerRequest) {
  const double before = TokenChecks("anonymous");
  EXPECT_EQ(Call("GET", "/api/history").status, 200);
  EXPECT_EQ(TokenChecks("anonymous") - before, 1);

  HttpRequest upload = Request("POST", "/api/images?prompt=big", "image/png");
  auto exchange = router_->Open(upload);
  EXPECT_EQ(exchange->lane(), Lane::kWorkers);
  EXPECT_FALSE(exchange->AdmitBody(upload));
  EXPECT_EQ(TokenChecks("anonymous") - before, 2);
  upload.body = Png();
  HttpResponse up = exchange->Handle(upload);
  EXPECT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.user, "anonymous");
  EXPECT_EQ(up.route, "/api/images");
  EXPECT_EQ(TokenChecks("anonymous") - before, 2) << "the upload's caller was checked twice";

  // /metrics: the head check finds the caller, the handler refuses it (not an admin).
  const HttpRequest scrape = Request("GET", "/metrics");
  auto metrics = router_->Open(scrape);
  EXPECT_FALSE(metrics->AdmitBody(scrape));
  EXPECT_EQ(metrics->Handle(scrape).status, 403);
  EXPECT_EQ(TokenChecks("anonymous") - before, 3);

  // A refusal from the head: 401 with its challenge, the body never read.
  const double missing = TokenChecks("missing");
  const HttpRequest no_token = Request("POST", "/api/images", "image/png", "", false);
  auto refused = router_->Open(no_token)->AdmitBody(no_token);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->route, "/api/images");
  EXPECT_TRUE(refused->headers.Get("WWW-Authenticate"));
  EXPECT_EQ(TokenChecks("missing") - missing, 1);
}

// Over the real server: a large upload (read after its head check) and a small read each open
// their route once (one walk of the table) and check their caller once.
TEST_F(ApiTest, OverTheServerEachRequestIsRoutedAndAuthenticatedOnce) {
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(500, 300));
  ASSERT_GT(png.size(), 64u * 1024) << "the upload must take the large-body path";
  std::atomic<int> opened{0};
  Handler api = MakeApiHandler(Deps());
  Handler counting{[&opened, api](const HttpRequest& head) {
    ++opened;
    return api.open(head);
  }};
  testing::RunningServer server({}, counting);
  const double before = TokenChecks("anonymous");
  testing::Conn c(server.port());
  ASSERT_TRUE(
      c.Send("POST /api/images?prompt=big HTTP/1.1\r\nHost: t\r\nX-Auth-Optional: true\r\n"
             "Content-Type: image/png\r\nContent-Length: " +
             std::to_string(png.size()) + "\r\n\r\n" + png));
  auto up = c.Read();
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 201) << up->body;
  ASSERT_TRUE(c.Send(testing::Get("/api/history", "X-Auth-Optional: true\r\n")));
  auto list = c.Read();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(opened.load(), 2);
  EXPECT_EQ(TokenChecks("anonymous") - before, 2);
}

TEST_F(ApiTest, WrongMethodIs405) {
  HttpResponse r = Call("PATCH", "/api/history");
  EXPECT_EQ(r.status, 405);
  EXPECT_TRUE(r.headers.Get("Allow"));
}

}  // namespace
}  // namespace noisett::http
