// Path and query decoding, headers, and the error -> status mapping.
#include "http/http_types.h"

#include <gtest/gtest.h>

namespace noisett::http {
namespace {

TEST(SplitPathTest, DecodesEachSegmentOnItsOwn) {
  auto s = SplitPath("/api/history/01HX%41B");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (std::vector<std::string>{"api", "history", "01HXAB"}));
  auto root = SplitPath("/");
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->empty());
  auto plus = SplitPath("/a+b%20c");
  ASSERT_TRUE(plus);
  EXPECT_EQ(plus->front(), "a+b c");  // '+' is literal in paths
}

TEST(SplitPathTest, RefusesEveryPathTrick) {
  for (const char* path : {"/api/history/..",
                           "/api/history/.",
                           "/api/history/%2e%2e",
                           "/api/history/%2E%2E",
                           "/api/history/.%2e",
                           "/api/history/%2F",
                           "/api/history/a%2Fb",
                           "/api/history/a%2fb",
                           "/api/history/%00",
                           "/api/history/a%00b",
                           "/api/history/%5C",
                           "/api/history/a\\b",
                           "/api/history/%5c..%5c",
                           "/api/history//etc/passwd",
                           "//etc/passwd",
                           "/api//history",
                           "/api/history/",
                           "api/history",
                           "",
                           "http://evil/api/history",
                           "*",
                           "/api/history/%",
                           "/api/history/%4",
                           "/api/history/%zz",
                           "/api/history/%0a",
                           "/api/history/a%0db",
                           "/api/history/%7f"}) {
    auto s = SplitPath(path);
    EXPECT_FALSE(s) << path;
    if (!s) {
      EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << path;
      EXPECT_EQ(s.error().reason, "bad_path") << path;
    }
  }
}

TEST(SplitPathTest, DotsInsideANameAreFine) {
  auto s = SplitPath("/blobs/c/image_0.jpg/..x/x..");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 5u);
}

TEST(ParseQueryTest, FormDecoding) {
  auto q = ParseQuery("limit=5&cursor=a%2Bb&prompt=a+red+cat&flag&&x=");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("limit"), "5");
  EXPECT_EQ(q->at("cursor"), "a+b");
  EXPECT_EQ(q->at("prompt"), "a red cat");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("x"), "");
  EXPECT_EQ(q->size(), 5u);
}

TEST(ParseQueryTest, Refusals) {
  for (const char* raw : {"a=1&a=2", "=1", "a=%", "a=%g0", "%00=1", "a=%00", "a=1&%61=2"}) {
    auto q = ParseQuery(raw);
    EXPECT_FALSE(q) << raw;
    if (!q) {
      EXPECT_EQ(q.error().reason, "bad_query") << raw;
    }
  }
}

TEST(HttpRequestTest, PathAndQuery) {
  HttpRequest r;
  r.target = "/a/b?x=1&y=2#frag";
  EXPECT_EQ(r.path(), "/a/b");
  EXPECT_EQ(r.raw_query(), "x=1&y=2");
  r.target = "/a";
  EXPECT_EQ(r.raw_query(), "");
}

TEST(HeadersTest, CaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "a");
  h.Add("content-type", "b");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "a");
  EXPECT_EQ(h.Count("Content-type"), 2u);
  h.Set("CONTENT-type", "c");
  EXPECT_EQ(h.Count("content-type"), 1u);
  EXPECT_EQ(h.Get("content-type"), "c");
  EXPECT_FALSE(h.Get("missing"));
}

TEST(ErrorMappingTest, EveryCodeHasItsStatus) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnsupported), 415);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInsufficientStorage), 507);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUpstreamFailed), 502);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUpstreamTimeout), 504);
  EXPECT_EQ(ReasonPhrase(507), "Insufficient Storage");
  EXPECT_EQ(ReasonPhrase(502), "Bad Gateway");
  EXPECT_EQ(ReasonPhrase(504), "Gateway Timeout");
}

// A server this one called failing is not this server being busy: no Retry-After promise.
TEST(ErrorMappingTest, UpstreamFailuresAre502And504WithoutRetryAfter) {
  HttpResponse timeout =
      ErrorResponse(MakeError(ErrorCode::kUpstreamTimeout, "fetch_timeout", "out of time"));
  EXPECT_EQ(timeout.status, 504);
  EXPECT_FALSE(timeout.headers.Get("Retry-After"));
  HttpResponse failed =
      ErrorResponse(MakeError(ErrorCode::kUpstreamFailed, "fetch_failed", "connection reset"));
  EXPECT_EQ(failed.status, 502);
  EXPECT_FALSE(failed.headers.Get("Retry-After"));
}

TEST(ErrorMappingTest, AFullStoreIs507WithItsReason) {
  HttpResponse r = ErrorResponse(MakeError(ErrorCode::kInsufficientStorage, "insufficient_storage",
                                           "the blob store is out of space"));
  EXPECT_EQ(r.status, 507);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "insufficient_storage");
  // Freeing space is an operator's job, not a matter of seconds: no Retry-After promise.
  EXPECT_FALSE(r.headers.Get("Retry-After"));
}

// Every 503, whichever way it is made, tells the client when to come back; no other status does.
TEST(ErrorMappingTest, Every503CarriesRetryAfter) {
  const HttpResponse from_code =
      ErrorResponse(MakeError(ErrorCode::kUnavailable, "catalog_unavailable", "down"));
  const HttpResponse from_status = ErrorResponse(503, "BlobChanged", "retry");
  for (const HttpResponse& r : {from_code, from_status}) {
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.headers.Get("Retry-After"), std::to_string(kRetryAfterSeconds));
    EXPECT_EQ(r.headers.Count("Retry-After"), 1u);
  }
  EXPECT_EQ(kRetryAfterSeconds, 5);  // documented in docs/api.md
  for (int status : {400, 404, 409, 413, 429, 500, 507}) {
    EXPECT_FALSE(ErrorResponse(status, "x", "y").headers.Get("Retry-After")) << status;
  }
}

TEST(ErrorMappingTest, ErrorBodyShape) {
  HttpResponse r = ErrorResponse(MakeError(ErrorCode::kConflict, "already", "it exists"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "already");
  EXPECT_EQ(body["error"]["message"], "it exists");
  EXPECT_EQ(r.error_reason, "already");
}

TEST(ErrorMappingTest, InvalidUtf8InAMessageDoesNotThrow) {
  HttpResponse r = ErrorResponse(400, "bad_input", std::string("bad \xff\xfe name"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(nlohmann::json::accept(r.body));
}

}  // namespace
}  // namespace noisett::http
