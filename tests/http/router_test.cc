// Route matching, 404/405, and the path tricks refused (400) in every kind of parameter.
#include "http/router.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>

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

Lane LaneOf(const Router& r, const HttpRequest& head) { return r.Open(head)->lane(); }

TEST(RouterTest, LaneFollowsTheRoute) {
  Router r = TestRouter();
  EXPECT_EQ(LaneOf(r, Req("GET", "/api/history")), Lane::kIo);
  EXPECT_EQ(LaneOf(r, Req("GET", "/api/history?limit=5")), Lane::kIo);
  EXPECT_EQ(LaneOf(r, Req("GET", "/api/history/X")), Lane::kWorkers);
  EXPECT_EQ(LaneOf(r, Req("GET", "/api/images/J/0/url")), Lane::kReads);
  // The lane is the decoded route's: a percent-encoded spelling of a route is that route.
  EXPECT_EQ(LaneOf(r, Req("GET", "/api/%68istory")), Lane::kIo);
  EXPECT_EQ(LaneOf(r, Req("GET", "/api/images/J/%30/url")), Lane::kReads);
}

// A refusal decided from the head is cheap: it is answered on the I/O thread, as it is.
TEST(RouterTest, RefusalsAreAnsweredOnTheIoThread) {
  Router r = TestRouter();
  for (const char* target : {"/nope", "/api/history/%2e%2e", "/api/history/", "api/history"}) {
    auto exchange = r.Open(Req("GET", target));
    EXPECT_EQ(exchange->lane(), Lane::kIo) << target;
    EXPECT_EQ(exchange->Handle(Req("GET", target)).status, r.Handle(Req("GET", target)).status);
  }
  auto not_allowed = r.Open(Req("POST", "/api/history"));  // no POST route
  EXPECT_EQ(not_allowed->lane(), Lane::kIo);
  EXPECT_EQ(not_allowed->Handle(Req("POST", "/api/history")).status, 405);
}

// A route with a RouteCall: one call per request, made when the request is opened, asked for the
// body check and then for the answer with the params the request was routed with.
class CountingCall final : public RouteCall {
 public:
  explicit CountingCall(int* admitted) : admitted_(admitted) {}
  std::optional<HttpResponse> AdmitBody(const HttpRequest& head) override {
    ++*admitted_;
    if (head.headers.Get("Authorization")) {
      caller_ = "checked";
      return std::nullopt;
    }
    return ErrorResponse(401, "missing", "no token");
  }
  HttpResponse Handle(const HttpRequest&, const RouteParams& params) override {
    HttpResponse res;
    res.body = (caller_.empty() ? "unchecked" : caller_) + " " + params.Get("job");
    return res;
  }

 private:
  int* admitted_;
  std::string caller_;  // kept from the body check to the handling of the same request
};

// Before a large body is read: the routing error the request would get, else the route's check.
TEST(RouterTest, AdmitBodyRefusesUnroutedRequestsAndAsksTheRoutesCheck) {
  Router r = TestRouter();
  int admitted = 0;
  int opened = 0;
  RouteOpener open = [&]() -> std::unique_ptr<RouteCall> {
    ++opened;
    return std::make_unique<CountingCall>(&admitted);
  };
  r.Add("POST", "/api/images/{job}", open, Lane::kWorkers);
  auto refused = r.Open(Req("POST", "/api/images/J"));
  auto verdict = refused->AdmitBody(Req("POST", "/api/images/J"));
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->status, 401);
  EXPECT_EQ(verdict->route, "/api/images/{job}");

  HttpRequest with_token = Req("POST", "/api/images/J");
  with_token.headers.Add("Authorization", "Bearer t");
  auto admitted_exchange = r.Open(with_token);
  EXPECT_EQ(admitted_exchange->lane(), Lane::kWorkers);
  EXPECT_FALSE(admitted_exchange->AdmitBody(with_token));
  HttpResponse answer = admitted_exchange->Handle(with_token);
  EXPECT_EQ(answer.body, "checked J");  // what the check found reaches the handling
  EXPECT_EQ(answer.route, "/api/images/{job}");
  EXPECT_EQ(r.Handle(Req("POST", "/api/images/K")).body, "unchecked K");  // a small body
  EXPECT_EQ(opened, 3);
  EXPECT_EQ(admitted, 2);

  const HttpRequest blob = Req("GET", "/blobs/c/a.jpg");
  auto unchecked = r.Open(blob)->AdmitBody(blob);  // a route without a RouteCall
  ASSERT_TRUE(unchecked);
  EXPECT_EQ(unchecked->status, 413);
  EXPECT_EQ(unchecked->route, "/blobs/*");
  for (auto [method, target, status] : {std::tuple{"POST", "/nowhere", 404},
                                        {"POST", "/api/history", 405},
                                        {"POST", "/api/history/%2e%2e", 400}}) {
    const HttpRequest head = Req(method, target);
    auto routing_error = r.Open(head)->AdmitBody(head);
    ASSERT_TRUE(routing_error) << target;
    EXPECT_EQ(routing_error->status, status) << target;
  }
}

}  // namespace
}  // namespace noisett::http
