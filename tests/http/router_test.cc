// Route matching, 404/405, and the path tricks refused (400) in every kind of parameter.
#include "http/router.h"

#include <gtest/gtest.h>

namespace noisett::http {
namespace {

HttpRequest Req(std::string method, std::string target) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

// Echoes the matched parameters: "job=..;index=..;rest=a/b".
Router TestRouter() {
  Router r;
  auto echo = [](const HttpRequest&, const RouteParams& p) {
    std::string out;
    for (const auto& [k, v] : p.named) out += k + "=" + v + ";";
    out += "rest=";
    for (size_t i = 0; i < p.rest.size(); ++i) out += (i ? "/" : "") + p.rest[i];
    HttpResponse res;
    res.body = out;
    return res;
  };
  r.Add("GET", "/api/history", echo, Lane::kIo);
  r.Add("GET", "/api/history/{job}", echo);
  r.Add("DELETE", "/api/history/{job}", echo);
  r.Add("PUT", "/api/favorites/{job}/{index}", echo);
  r.Add("GET", "/api/images/{job}/{index}/url", echo, Lane::kReads);
  r.Add("GET", "/blobs/*", echo);
  r.Add("HEAD", "/blobs/*", echo);
  r.Add("GET", "/boom", [](const HttpRequest&, const RouteParams&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  return r;
}

TEST(RouterTest, MatchesLiteralsParamsAndWildcards) {
  Router r = TestRouter();
  EXPECT_EQ(r.Handle(Req("GET", "/api/history?limit=5")).body, "rest=");
  EXPECT_EQ(r.Handle(Req("GET", "/api/history/01ABC")).body, "job=01ABC;rest=");
  EXPECT_EQ(r.Handle(Req("PUT", "/api/favorites/J/3")).body, "index=3;job=J;rest=");
  EXPECT_EQ(r.Handle(Req("GET", "/api/images/J/0/url")).body, "index=0;job=J;rest=");
  EXPECT_EQ(r.Handle(Req("GET", "/blobs/c/generated/u/j/image_0.jpg?sig=x")).body,
            "rest=c/generated/u/j/image_0.jpg");
  HttpResponse res = r.Handle(Req("GET", "/api/history/X"));
  EXPECT_EQ(res.route, "/api/history/{job}");
}

TEST(RouterTest, NotFoundAndMethodNotAllowed) {
  Router r = TestRouter();
  EXPECT_EQ(r.Handle(Req("GET", "/nope")).status, 404);
  EXPECT_EQ(r.Handle(Req("GET", "/api/history/a/b")).status, 404);
  EXPECT_EQ(r.Handle(Req("GET", "/blobs")).status, 404);  // "*" needs one segment at least
  HttpResponse res = r.Handle(Req("POST", "/api/history/X"));
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers.Get("Allow"), "GET, DELETE");
}

TEST(RouterTest, PathTricksAreRefusedInEveryParameter) {
  Router r = TestRouter();
  const char* tricks[] = {"..",    "%2e%2e",          "%2E%2e", ".",    "%2F",
                          "a%2Fb", "%2fetc%2fpasswd", "%00",    "a%00", "%5C",
                          "a\\b",  "%5c%2e%2e",       "%0d%0a", "%"};
  const char* templates[] = {"/api/history/{}",
                             "/api/favorites/{}/1",
                             "/api/favorites/J/{}",
                             "/api/images/{}/0/url",
                             "/api/images/J/{}/url",
                             "/blobs/{}/x.jpg",
                             "/blobs/c/generated/{}/x.jpg",
                             "/blobs/c/{}"};
  for (const char* trick : tricks) {
    for (std::string t : templates) {
      t.replace(t.find("{}"), 2, trick);
      for (const char* method : {"GET", "PUT", "DELETE", "HEAD"}) {
        HttpResponse res = r.Handle(Req(method, t));
        EXPECT_EQ(res.status, 400) << method << " " << t;
        EXPECT_EQ(res.error_reason, "bad_path") << t;
      }
    }
  }
}

TEST(RouterTest, AbsolutePathsAndEmptySegmentsAreRefused) {
  Router r = TestRouter();
  for (const char* t : {"//api/history", "/api//history", "/blobs//etc/passwd", "/blobs/c//x",
                        "http://host/api/history", "*", "/api/history/"}) {
    EXPECT_EQ(r.Handle(Req("GET", t)).status, 400) << t;
  }
}

TEST(RouterTest, HandlerExceptionsBecome500) {
  Router r = TestRouter();
  HttpResponse res = r.Handle(Req("GET", "/boom"));
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.route, "/boom");
}

TEST(RouterTest, LaneFollowsTheRoute) {
  Router r = TestRouter();
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/history")), Lane::kIo);
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/history/X")), Lane::kWorkers);
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/images/J/0/url")), Lane::kReads);
  EXPECT_EQ(r.LaneOf(Req("POST", "/api/history")), Lane::kWorkers);  // no POST route: the default
}

// Only routes known to be cheap run on an I/O thread: whatever matches none by its raw shape,
// including a percent-encoded spelling of a cheap route, goes to the workers.
TEST(RouterTest, LaneDefaultsToTheWorkers) {
  Router r = TestRouter();
  EXPECT_EQ(r.LaneOf(Req("GET", "/nope")), Lane::kWorkers);
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/%68istory")), Lane::kWorkers);
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/history/%2e%2e")), Lane::kWorkers);
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/history/")), Lane::kWorkers);
  EXPECT_EQ(r.LaneOf(Req("GET", "api/history")), Lane::kWorkers);
  EXPECT_EQ(r.LaneOf(Req("GET", "/api/history?limit=5")), Lane::kIo);
}

// Before a large body is read: the routing error the request would get, else the route's check.
TEST(RouterTest, AdmitBodyRefusesUnroutedRequestsAndAsksTheRoutesCheck) {
  Router r = TestRouter();
  r.Add(
      "POST", "/api/images", [](const HttpRequest&, const RouteParams&) { return HttpResponse{}; },
      Lane::kWorkers, [](const HttpRequest& head) -> std::optional<HttpResponse> {
        if (head.headers.Get("Authorization")) return std::nullopt;
        return ErrorResponse(401, "missing", "no token");
      });
  auto refused = r.AdmitBody(Req("POST", "/api/images"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->route, "/api/images");
  HttpRequest with_token = Req("POST", "/api/images");
  with_token.headers.Add("Authorization", "Bearer t");
  EXPECT_FALSE(r.AdmitBody(with_token));
  auto unchecked = r.AdmitBody(Req("GET", "/blobs/c/a.jpg"));  // a route without a check
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(unchecked->status, 413);
  EXPECT_EQ(unchecked->route, "/blobs/*");
  EXPECT_EQ(r.AdmitBody(Req("POST", "/nowhere"))->status, 404);
  EXPECT_EQ(r.AdmitBody(Req("POST", "/api/history"))->status, 405);
  EXPECT_EQ(r.AdmitBody(Req("POST", "/api/history/%2e%2e"))->status, 400);
}

}  // namespace
}  // namespace noisett::http
