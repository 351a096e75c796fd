// CORS (cors.h): the pure policy (exact origin matching, headers added, preflights), and the
// policy in the server over loopback, where every answer passes: a routed API-like answer, the
// router's own refusals, a large body refused from its head, the server's 413, and a signed-link
// blob from a real LocalBlobStore and LocalLinkSigner, sent from its file.
#include "http/cors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "http/blob_handler.h"
#include "http/blob_test_store.h"
#include "http/router.h"
#include "http/test_client.h"
#include "storage/local_blob_store.h"

namespace noisett::http {
namespace {

using testing::Conn;
using testing::Get;
using testing::RunningServer;

constexpr char kApp[] = "https://app.example.com";
constexpr char kDev[] = "http://localhost:5173";

CorsPolicy Listed() { return CorsPolicy({kApp, kDev}); }

HttpRequest Request(std::string method, std::string target, Headers headers = {}) {
  HttpRequest q;
  q.method = std::move(method);
  q.target = std::move(target);
  q.headers = std::move(headers);
  return q;
}

HttpRequest FromOrigin(std::string_view origin, std::string target = "/api/history") {
  Headers h;
  h.Add("Origin", std::string(origin));
  return Request("GET", std::move(target), std::move(h));
}

Headers Answered(const CorsPolicy& policy, const HttpRequest& request) {
  Headers answer;
  policy.AddHeaders(request, answer);
  return answer;
}

bool HasAnyCorsHeader(const Headers& h) {
  for (const auto& [name, value] : h.fields()) {
    if (name.rfind("Access-Control-", 0) == 0) return true;
  }
  return false;
}

TEST(CorsPolicyTest, AListedOriginGetsExactlyItselfBackWithVary) {
  const Headers h = Answered(Listed(), FromOrigin(kDev));
  EXPECT_EQ(h.Get("Access-Control-Allow-Origin"), kDev);
  EXPECT_EQ(h.Count("Access-Control-Allow-Origin"), 1u);
  EXPECT_EQ(h.Get("Vary"), "Origin");
  EXPECT_NE(h.Get("Access-Control-Expose-Headers")->find("X-Request-Id"), std::string::npos);
  EXPECT_NE(h.Get("Access-Control-Expose-Headers")->find("Retry-After"), std::string::npos);
  // Bearer tokens, never cookies: nothing asks the browser to send credentials.
  EXPECT_FALSE(h.Get("Access-Control-Allow-Credentials"));
}

TEST(CorsPolicyTest, AnOriginNotListedGetsNoCorsHeaderButStillVary) {
  for (const char* origin : {"https://evil.example.com", "null", ""}) {
    const Headers h = Answered(Listed(), FromOrigin(origin));
    EXPECT_FALSE(HasAnyCorsHeader(h)) << origin;
    EXPECT_EQ(h.Get("Vary"), "Origin") << origin;  // a cache must still key on Origin
  }
  const Headers none = Answered(Listed(), Request("GET", "/api/history"));
  EXPECT_FALSE(HasAnyCorsHeader(none));
}

TEST(CorsPolicyTest, NoOriginsListedAddsNothingAtAll) {
  const CorsPolicy off;
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(Answered(off, FromOrigin(kApp)).fields().empty());
  Headers h;
  h.Add("Origin", kApp);
  h.Add("Access-Control-Request-Method", "GET");
  EXPECT_FALSE(off.Preflight(Request("OPTIONS", "/api/history", h)));
}

TEST(CorsPolicyTest, NullOnlyWhenListed) {
  EXPECT_FALSE(HasAnyCorsHeader(Answered(Listed(), FromOrigin("null"))));
  const CorsPolicy plugin({"null"});
  EXPECT_EQ(Answered(plugin, FromOrigin("null")).Get("Access-Control-Allow-Origin"), "null");
  EXPECT_FALSE(HasAnyCorsHeader(Answered(plugin, FromOrigin("Null"))));
}

TEST(CorsPolicyTest, NearMissesAreNotMatched) {
  for (const char* origin :
       {"https://APP.example.com", "HTTPS://app.example.com", "https://app.example.com/",
        "https://app.example.com:443", "https://app.example.com:8443", "http://app.example.com",
        "https://app.example.com.evil.com", "https://evil.com/https://app.example.com",
        "https://app.example.co", " https://app.example.com", "https://app.example.com ",
        "http://localhost:5174", "http://localhost", "https://app.example.com, http://x.com",
        "https://app.example.com\r\nSet-Cookie: a=b", "*"}) {
    EXPECT_FALSE(HasAnyCorsHeader(Answered(Listed(), FromOrigin(origin)))) << origin;
  }
  // A header crafted to hold a listed origin and more is never echoed, however long.
  const std::string long_origin = std::string(kApp) + std::string(100000, 'a');
  EXPECT_FALSE(HasAnyCorsHeader(Answered(Listed(), FromOrigin(long_origin))));
}

TEST(CorsPolicyTest, TwoOriginFieldsMatchNeither) {
  Headers h;
  h.Add("Origin", kApp);
  h.Add("Origin", kApp);
  EXPECT_FALSE(HasAnyCorsHeader(Answered(Listed(), Request("GET", "/api/history", h))));
}

HttpRequest Preflight(std::string_view origin, std::string target = "/api/history",
                      std::string_view method = "POST") {
  Headers h;
  h.Add("Origin", std::string(origin));
  if (!method.empty()) h.Add("Access-Control-Request-Method", std::string(method));
  h.Add("Access-Control-Request-Headers", "authorization,content-type");
  return Request("OPTIONS", std::move(target), std::move(h));
}

TEST(CorsPolicyTest, PreflightFromAListedOrigin) {
  auto answer = Listed().Preflight(Preflight(kApp, "/api/generate"));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 204);
  EXPECT_EQ(answer->headers.Get("Access-Control-Allow-Methods"), "GET, HEAD, POST, PUT, DELETE");
  const std::string allowed(*answer->headers.Get("Access-Control-Allow-Headers"));
  EXPECT_NE(allowed.find("Authorization"), std::string::npos);
  EXPECT_NE(allowed.find("Content-Type"), std::string::npos);
  EXPECT_EQ(answer->headers.Get("Access-Control-Max-Age"), "600");
  EXPECT_TRUE(answer->body.empty());
  // Blobs are read-only.
  auto blob = Listed().Preflight(Preflight(kApp, "/blobs/c/a.jpg?sig=x", "GET"));
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->headers.Get("Access-Control-Allow-Methods"), "GET, HEAD");
}

TEST(CorsPolicyTest, PreflightFromAnOriginNotListedIsRefused) {
  for (const char* origin : {"https://evil.example.com", "null", "https://app.example.com/"}) {
    auto answer = Listed().Preflight(Preflight(origin));
    ASSERT_TRUE(answer) << origin;
    EXPECT_EQ(answer->status, 403) << origin;
    EXPECT_FALSE(HasAnyCorsHeader(answer->headers)) << origin;
  }
}

TEST(CorsPolicyTest, WhatIsNotAPreflightIsLeftToTheRouter) {
  EXPECT_FALSE(Listed().Preflight(Preflight(kApp, "/api/history", "")));  // no request method
  EXPECT_FALSE(Listed().Preflight(Request("OPTIONS", "/api/history")));   // no Origin
  EXPECT_FALSE(Listed().Preflight(Preflight(kApp, "/app.js")));           // not /api or /blobs
  EXPECT_FALSE(Listed().Preflight(Preflight(kApp, "/apix")));
  HttpRequest get = Preflight(kApp);
  get.method = "GET";
  EXPECT_FALSE(Listed().Preflight(get));
}

// The server with a listed origin: an API-like route, and the real blob route.
class CorsServerTest : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1'800'000'000;
  static constexpr char kContainer[] = "noisett-storage";
  static constexpr char kBlob[] = "generated/alice/01JABCDEFGHJKMNPQRSTVWXYZ0/image_0.jpg";

  CorsServerTest() {
    testing::BlobTestStore made = testing::MakeBlobTestStore(clock_, "http://h");
    dir_ = made.dir;
    store_ = std::move(made.store);
    signer_ = std::move(made.signer);
    storage::PutOptions put;
    put.content_type = "image/jpeg";
    EXPECT_TRUE(store_->Put(kBlob, std::string(5000, 'x'), put));
    deps_ =
        std::make_unique<BlobHandlerDeps>(BlobHandlerDeps{*signer_, *store_, kContainer, clock_});
    auto router = std::make_shared<Router>();
    router->Add("GET", "/api/history", [](const HttpRequest&, const RouteParams&) {
      return JsonResponse(200, std::string("{}"));
    });
    router->Add("POST", "/api/images", [](const HttpRequest&, const RouteParams&) {
      return JsonResponse(201, std::string("{}"));
    });
    router->Add(
        "GET", "/blobs/*",
        [this](const HttpRequest& q, const RouteParams& p) { return ServeBlob(*deps_, q, p); },
        Lane::kIo);
    ServerOptions options;
    options.cors_origins = {kApp};
    options.max_body_bytes = 1 << 20;
    server_ = std::make_unique<RunningServer>(options, RouterHandler(router));
  }
  ~CorsServerTest() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string BlobLink() {
    auto link = signer_->Sign(kContainer, kBlob, kNow + 3600);
    EXPECT_TRUE(link);
    return link->url.substr(std::string("http://h").size());
  }

  testing::ParsedResponse Ask(const std::string& request) {
    Conn c(server_->port());
    EXPECT_TRUE(c.Send(request));
    auto r = c.Read();
    EXPECT_TRUE(r) << request;
    return r ? *r : testing::ParsedResponse{};
  }

  std::string dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<storage::LocalBlobStore> store_;
  std::unique_ptr<storage::LocalLinkSigner> signer_;
  std::unique_ptr<BlobHandlerDeps> deps_;
  std::unique_ptr<RunningServer> server_;
};

std::string OriginLine(std::string_view origin) {
  return "Origin: " + std::string(origin) + "\r\n";
}

TEST_F(CorsServerTest, ApiAnswerCarriesTheListedOrigin) {
  auto r = Ask(Get("/api/history", OriginLine(kApp)));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["access-control-allow-origin"], kApp);
  EXPECT_EQ(r.headers["vary"], "Origin");
  EXPECT_FALSE(r.headers["access-control-expose-headers"].empty());
}

TEST_F(CorsServerTest, AnOriginNotListedIsStillServedWithoutCorsHeaders) {
  auto r = Ask(Get("/api/history", OriginLine("https://evil.example.com")));
  EXPECT_EQ(r.status, 200);  // CORS is not access control: the browser withholds the answer
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(r.headers["vary"], "Origin");
}

TEST_F(CorsServerTest, RefusalsCarryItToo) {
  // The router's 404 and 405, and the server's own 413 from the head: a page can read why.
  EXPECT_EQ(Ask(Get("/api/nothing", OriginLine(kApp))).headers["access-control-allow-origin"],
            kApp);
  auto too_large = Ask("POST /api/images HTTP/1.1\r\nHost: t\r\n" + OriginLine(kApp) +
                       "Content-Length: 99999999\r\n\r\n");
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(too_large.headers["access-control-allow-origin"], kApp);
}

TEST_F(CorsServerTest, SignedBlobCarriesCorsForACanvas) {
  auto r = Ask(Get(BlobLink(), OriginLine(kApp)));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string(5000, 'x'));
  EXPECT_EQ(r.headers["access-control-allow-origin"], kApp);
  EXPECT_EQ(r.headers["vary"], "Origin");
  EXPECT_NE(r.headers["access-control-expose-headers"].find("ETag"), std::string::npos);
  // Fetched without Origin (an <img> without crossorigin), the answer still says it varies, so a
  // CDN never hands this copy to a canvas's CORS request.
  auto plain = Ask(Get(BlobLink()));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(plain.headers["vary"], "Origin");
}

TEST_F(CorsServerTest, PreflightNeedsNoTokenAndNoRoute) {
  const std::string head =
      "OPTIONS /api/images HTTP/1.1\r\nHost: t\r\nAccess-Control-Request-Method: POST\r\n"
      "Access-Control-Request-Headers: authorization, content-type\r\n";
  auto r = Ask(head + OriginLine(kApp) + "\r\n");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers["access-control-allow-origin"], kApp);
  EXPECT_EQ(r.headers["access-control-max-age"], "600");
  EXPECT_NE(r.headers["access-control-allow-headers"].find("Authorization"), std::string::npos);
  EXPECT_NE(r.headers["access-control-allow-methods"].find("POST"), std::string::npos);
  EXPECT_EQ(r.headers["vary"], "Origin");

  auto refused = Ask(head + OriginLine("https://evil.example.com") + "\r\n");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(refused.headers.count("access-control-allow-methods"), 0u);

  // A blob link's preflight (a fetch() with a Range header, say).
  auto blob = Ask("OPTIONS " + BlobLink() +
                  " HTTP/1.1\r\nHost: t\r\nAccess-Control-Request-Method: GET\r\n" +
                  OriginLine(kApp) + "\r\n");
  EXPECT_EQ(blob.status, 204);
  EXPECT_EQ(blob.headers["access-control-allow-methods"], "GET, HEAD");
}

TEST_F(CorsServerTest, OptionsWithoutRequestMethodIsNotAPreflight) {
  auto r = Ask("OPTIONS /api/images HTTP/1.1\r\nHost: t\r\n" + OriginLine(kApp) + "\r\n");
  EXPECT_EQ(r.status, 405);  // the router's answer, as without CORS
  EXPECT_EQ(r.headers.count("access-control-allow-methods"), 0u);
}

TEST_F(CorsServerTest, InjectionInOriginIsNeverEchoed) {
  // A comma list holding the listed origin, and an oversized one: matched as a whole, so not.
  for (const std::string& origin : {std::string(kApp) + ", https://evil.example.com",
                                    std::string(kApp) + std::string(8000, 'a'),
                                    std::string("https://evil.example.com ") + kApp}) {
    auto r = Ask(Get("/api/history", OriginLine(origin)));
    EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u) << origin.substr(0, 60);
  }
  // CR or LF inside the header never reaches an answer: refused by the parser (400), no echo.
  Conn c(server_->port());
  ASSERT_TRUE(c.Send("GET /api/history HTTP/1.1\r\nHost: t\r\nOrigin: " + std::string(kApp) +
                     "\rSet-Cookie: a=b\r\n\r\n"));
  auto r = c.Read();
  if (r) {
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->headers.count("set-cookie"), 0u);
    EXPECT_EQ(r->headers.count("access-control-allow-origin"), 0u);
  }
}

}  // namespace
}  // namespace noisett::http
