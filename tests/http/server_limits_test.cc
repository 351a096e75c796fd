// The server's limits over loopback: body size (413 before reading), header size (431),
// read and idle timeouts (slow loris), and the connection cap.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "http/http_types.h"
#include "http/test_client.h"

namespace noisett::http {
namespace {

using testing::Conn;
using testing::Get;
using testing::RunningServer;
using namespace std::chrono_literals;

Handler Ok() {
  return Handler{[](const HttpRequest& q) {
                   return JsonResponse(200, {{"bytes", q.body.size()}});
                 },
                 {}};
}

TEST(ServerLimitsTest, ContentLengthOverTheLimitIs413WithoutSendingTheBody) {
  RunningServer s({}, Ok());  // default limit: 10 MiB
  Conn c(s.port());
  ASSERT_TRUE(
      c.Send("POST /api/images HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\n"
             "Content-Length: 10485761\r\n\r\n"));
  auto start = std::chrono::steady_clock::now();
  auto r = c.Read();  // no body byte was sent: the answer comes from the header alone
  ASSERT_TRUE(r);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"too_large\""), std::string::npos);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(c.WaitClosed(5000));
}

TEST(ServerLimitsTest, BodyExactlyAtTheLimitIsServed) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  RunningServer s(o, Ok());
  Conn c(s.port());
  ASSERT_TRUE(c.Send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" +
                     std::string(1000, 'a')));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"bytes\":1000}");

  Conn over(s.port());
  ASSERT_TRUE(over.Send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"));
  auto refused = over.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

TEST(ServerLimitsTest, AChunkedBodyGrowingPastTheLimitIs413) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  RunningServer s(o, Ok());
  Conn c(s.port());
  std::string chunk(600, 'b');
  ASSERT_TRUE(
      c.Send("POST /u HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "258\r\n" +
             chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST(ServerLimitsTest, OversizedHeaderIs431) {
  RunningServer s({}, Ok());  // 16 KiB
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x", "X-Big: " + std::string(20 * 1024, 'h') + "\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.WaitClosed(5000));
}

TEST(ServerLimitsTest, HeaderJustUnderTheLimitIsServed) {
  RunningServer s({}, Ok());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x", "X-Big: " + std::string(15 * 1024, 'h') + "\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerLimitsTest, SlowLorisHalfAHeaderIsCutOffAfterTheReadTimeout) {
  ServerOptions o;
  o.read_timeout_s = 1;
  RunningServer s(o, Ok());
  Conn c(s.port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  EXPECT_TRUE(c.WaitClosed(4000));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
}

TEST(ServerLimitsTest, DrippingBytesDoesNotExtendTheReadTimeout) {
  ServerOptions o;
  o.read_timeout_s = 1;
  RunningServer s(o, Ok());
  Conn c(s.port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\n"));
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    // One header line every 200 ms: each read makes progress, the request never completes.
    closed = !c.Send("X-Drip: a\r\n") || c.WaitClosed(200);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(ServerLimitsTest, AnIdleConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions o;
  o.idle_timeout_s = 1;
  RunningServer s(o, Ok());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x")));
  ASSERT_TRUE(c.Read());
  EXPECT_TRUE(c.WaitClosed(4000));  // nothing more sent: keep-alive ends
}

TEST(ServerLimitsTest, ConnectionsOverTheCapAreRefused) {
  ServerOptions o;
  o.max_connections = 2;
  RunningServer s(o, Ok());
  std::vector<std::unique_ptr<Conn>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Conn>(s.port()));
    ASSERT_TRUE(held.back()->Send(Get("/x")));
    ASSERT_TRUE(held.back()->Read());  // accepted and served; stays open (keep-alive)
  }
  Conn third(s.port());
  auto r = third.Read();
  if (r) {  // the 503 may be lost to a reset; either way the connection ends
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body.size(), std::stoul(r->headers["content-length"]));
    EXPECT_TRUE(nlohmann::json::accept(r->body));
    EXPECT_EQ(r->headers["retry-after"], std::to_string(kRetryAfterSeconds));
  }
  EXPECT_TRUE(third.WaitClosed(3000));

  held.pop_back();  // a slot frees up
  std::this_thread::sleep_for(200ms);
  Conn fourth(s.port());
  ASSERT_TRUE(fourth.Send(Get("/x")));
  auto ok = fourth.Read();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

}  // namespace
}  // namespace noisett::http
