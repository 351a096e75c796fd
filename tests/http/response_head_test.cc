// The hand-written response head: what the transport owns, what a handler may set, and the
// response-splitting guard.
#include "http/response_head.h"

#include <gtest/gtest.h>

namespace noisett::http {
namespace {

HttpResponse WithBody(int status, std::string body) {
  HttpResponse res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

TEST(ResponseHeadTest, StatusLineHeadersLengthAndEnd) {
  HttpResponse res = WithBody(200, "hello");
  res.headers.Set("Content-Type", "text/plain");
  res.headers.Set("ETag", "\"0x1\"");
  HeadOptions o;
  o.request_id = "abc";
  EXPECT_EQ(ResponseHead(res, o),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nETag: \"0x1\"\r\nX-Request-Id: abc\r\n"
            "X-Content-Type-Options: nosniff\r\nContent-Length: 5\r\n\r\n");
}

TEST(ResponseHeadTest, TransportOwnedFieldsAreWrittenOnceFromTheTruth) {
  HttpResponse res = WithBody(404, "{}");
  res.headers.Set("content-length", "999");
  res.headers.Set("Connection", "upgrade");
  res.headers.Set("x-request-id", "forged");
  res.headers.Set("X-Content-Type-Options", "other");
  HeadOptions o;
  o.request_id = "r1";
  o.keep_alive = false;
  const std::string head = ResponseHead(res, o);
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\nX-Request-Id: r1\r\nX-Content-Type-Options: nosniff\r\n"
            "Content-Length: 2\r\nConnection: close\r\n\r\n");
}

TEST(ResponseHeadTest, HeadKeepsTheHandlersLengthAndNoBodyStatusesHaveNone) {
  HttpResponse head_res = WithBody(200, "");
  head_res.headers.Set("Content-Length", "12345");
  HeadOptions o;
  o.head_request = true;
  EXPECT_NE(ResponseHead(head_res, o).find("Content-Length: 12345\r\n"), std::string::npos);
  EXPECT_NE(ResponseHead(WithBody(200, "abc"), o).find("Content-Length: 3\r\n"), std::string::npos);
  for (int status : {100, 204, 304}) {
    EXPECT_EQ(ResponseHead(WithBody(status, ""), {}).find("Content-Length"), std::string::npos)
        << status;
    EXPECT_TRUE(NoBodyStatus(status));
  }
  EXPECT_FALSE(NoBodyStatus(200));
}

TEST(ResponseHeadTest, ConnectionFollowsTheVersionsDefault) {
  HeadOptions o;
  o.version = 10;
  o.keep_alive = true;
  EXPECT_NE(ResponseHead(WithBody(200, ""), o).find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(ResponseHead(WithBody(200, ""), o).rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  o.keep_alive = false;
  EXPECT_EQ(ResponseHead(WithBody(200, ""), o).find("Connection"), std::string::npos);
  o.version = 11;
  o.keep_alive = true;
  EXPECT_EQ(ResponseHead(WithBody(200, ""), o).find("Connection"), std::string::npos);
}

TEST(ResponseHeadTest, AStreamedBodyIsChunkedInHttp11AndCloseDelimitedInHttp10) {
  HttpResponse res = WithBody(200, "ignored for the head");
  res.headers.Set("Transfer-Encoding", "gzip");  // the transport's to say
  HeadOptions o;
  o.streamed = true;
  EXPECT_EQ(ResponseHead(res, o),
            "HTTP/1.1 200 OK\r\nX-Content-Type-Options: nosniff\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
  o.version = 10;
  o.keep_alive = false;
  EXPECT_EQ(ResponseHead(res, o), "HTTP/1.0 200 OK\r\nX-Content-Type-Options: nosniff\r\n\r\n");
}

TEST(ResponseHeadTest, BodyPiecesAreChunksOrThemselves) {
  EXPECT_EQ(BodyPiece("hello", true), "5\r\nhello\r\n");
  EXPECT_EQ(BodyPiece(std::string(26, 'x'), true), "1a\r\n" + std::string(26, 'x') + "\r\n");
  EXPECT_EQ(BodyPiece("hello", false), "hello");
  EXPECT_EQ(BodyPiece("", true), "");  // never a last chunk by accident
  EXPECT_EQ(kLastChunk, "0\r\n\r\n");
}

TEST(ResponseHeadTest, FieldsThatCouldSplitTheResponseAreDropped) {
  HttpResponse res = WithBody(200, "");
  res.headers.Add("X-Good", "fine");
  res.headers.Add("X-Bad", "a\r\nSet-Cookie: stolen=1");
  res.headers.Add("X-Nul", std::string("a\0b", 3));
  res.headers.Add("X-Evil\r\nInjected", "v");
  HeadOptions o;
  o.request_id = "id\r\nX: y";
  const std::string head = ResponseHead(res, o);
  EXPECT_NE(head.find("X-Good: fine\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("X-Nul"), std::string::npos);
  EXPECT_EQ(head.find("Injected"), std::string::npos);
  EXPECT_EQ(head.find("X-Request-Id"), std::string::npos);
  EXPECT_EQ(head.find("\r\n\r\n"), head.size() - 4);  // one end of head, at the end
}

}  // namespace
}  // namespace noisett::http
