// The server's limits over loopback: body size (413 before reading), header size (431),
// read and idle timeouts (slow loris), the connection cap, the budget of large bodies read at
// once (and the handler's refusal of one from its head), and bodies given back once handled.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "http/http_types.h"
#include "http/test_client.h"

namespace noisett::http {
namespace {

using testing::Conn;
using testing::FunctionHandler;
using testing::Get;
using testing::RunningServer;
using namespace std::chrono_literals;

Handler Ok() {
  return FunctionHandler([](const HttpRequest& q) {
    return JsonResponse(200, {{"bytes", q.body.size()}});
  });
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
  // The refusal names the limit, so the caller knows what would fit (the CLI prints it).
  EXPECT_NE(refused->body.find("over the limit of 1000 bytes"), std::string::npos) << refused->body;
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
  EXPECT_NE(r->body.find("over the limit of 1000 bytes"), std::string::npos) << r->body;
}

// What a chunked body carries besides its data (chunk extensions, trailer fields) shares one
// more header's worth of bytes: past it, 431 and the handler never runs; under it, served. A
// trailer field too long for Beast's fields is a 431 too, never an exception out of the I/O loop.
std::string Chunked(const std::string& chunks_and_trailers) {
  return "POST /u HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
         chunks_and_trailers;
}

TEST(ServerLimitsTest, ChunkTrailersPastTheHeaderLimitAre431) {
  std::atomic<int> handled{0};
  RunningServer s({}, FunctionHandler([&](const HttpRequest& q) {
                    ++handled;
                    return JsonResponse(200, {{"bytes", q.body.size()}});
                  }));  // 16 KiB of header, so 16 KiB for extensions and trailers
  std::string small_trailers;
  for (int i = 0; i < 10; ++i) small_trailers += "X-T" + std::to_string(i) + ": v\r\n";
  Conn ok(s.port());
  ASSERT_TRUE(ok.Send(Chunked("5;name=value\r\nhello\r\n0\r\n" + small_trailers + "\r\n")));
  auto served = ok.Read();
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->body, "{\"bytes\":5}");
  EXPECT_EQ(handled, 1);

  struct Case {
    const char* what;
    std::string trailers;
  };
  std::string many;
  while (many.size() < 200 * 1024) many += "X-Flood-" + std::to_string(many.size()) + ": a\r\n";
  const Case cases[] = {
      {"200 KiB of small trailer fields", many},
      {"one 20 KiB trailer field", "X-Big: " + std::string(20 * 1024, 'v') + "\r\n"},
      {"one 70 KiB trailer field", "X-Huge: " + std::string(70 * 1024, 'v') + "\r\n"},
  };
  for (const Case& c : cases) {
    Conn flood(s.port());
    ASSERT_TRUE(flood.Send(Chunked("5\r\nhello\r\n0\r\n" + c.trailers + "\r\n"))) << c.what;
    auto r = flood.Read();
    ASSERT_TRUE(r) << c.what;
    EXPECT_EQ(r->status, 431) << c.what;
    EXPECT_TRUE(flood.WaitClosed(5000)) << c.what;
  }
  EXPECT_EQ(handled, 1);
  Conn after(s.port());  // the server is still fine
  ASSERT_TRUE(after.Send(Chunked("1\r\nx\r\n0\r\n\r\n")));
  auto r = after.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerLimitsTest, ChunkExtensionsPastTheHeaderLimitAre431) {
  RunningServer s({}, Ok());
  std::string chunks;
  const std::string extension = ";x=" + std::string(1000, 'e');
  for (int i = 0; i < 20; ++i) chunks += "1" + extension + "\r\nz\r\n";  // 20 KiB of them
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Chunked(chunks + "0\r\n\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_NE(r->body.find("header_too_large"), std::string::npos) << r->body;
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
    EXPECT_EQ(r->headers["connection"], "close");
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"].value("code", ""), "too_many_connections");
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

// Past max_held_body_bytes, a large upload waits after its header, unread, until earlier ones
// have been handled; small requests are not held up. Bounds memory whatever the number of
// uploaders.
TEST(ServerLimitsTest, LargeBodiesPastTheBudgetWaitUnreadUntilOneIsHandled) {
  std::promise<void> release_first;
  std::shared_future<void> first_may_finish = release_first.get_future().share();
  std::atomic<int> large_seen{0};
  Handler h = FunctionHandler([&](const HttpRequest& q) {
    if (q.body.size() > 64 * 1024 && large_seen.fetch_add(1) == 0) {
      first_may_finish.wait();
    }
    return JsonResponse(200, {{"bytes", q.body.size()}});
  });
  ServerOptions o;
  o.max_held_body_bytes = 300 * 1024;  // one 200 KiB body fits, two do not
  o.worker_threads = 2;
  RunningServer s(o, h);
  const std::string body(200 * 1024, 'x');
  const std::string head = "POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";

  Conn first(s.port());
  ASSERT_TRUE(first.Send(head + body));
  for (int i = 0; i < 200 && large_seen.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(large_seen.load(), 1);  // the first holds 200 KiB of the budget, in the handler

  Conn second(s.port(), 10000);
  ASSERT_TRUE(second.Send(head + body));
  Conn small(s.port());
  ASSERT_TRUE(small.Send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  auto small_answer = small.Read();  // a small body needs no room in the budget
  ASSERT_TRUE(small_answer);
  EXPECT_EQ(small_answer->body, "{\"bytes\":5}");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(large_seen.load(), 1) << "the second large body was read past the budget";

  release_first.set_value();
  auto one = first.Read();
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  auto two = second.Read();  // admitted once the first was handled
  ASSERT_TRUE(two);
  EXPECT_EQ(two->status, 200);
  EXPECT_EQ(two->body, "{\"bytes\":" + std::to_string(body.size()) + "}");
  EXPECT_EQ(large_seen.load(), 2);
}

TEST(ServerLimitsTest, ABodyLargerThanTheWholeBudgetIsStillServed) {
  ServerOptions o;
  o.max_held_body_bytes = 100 * 1024;
  RunningServer s(o, Ok());
  const std::string body(300 * 1024, 'y');
  for (const char* encoding : {"length", "chunked"}) {
    Conn c(s.port());
    std::string request = "POST /u HTTP/1.1\r\nHost: t\r\n";
    if (std::string_view(encoding) == "length") {
      request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    } else {
      char size[32];
      std::snprintf(size, sizeof size, "%zx", body.size());
      request += "Transfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" + body +
                 "\r\n0\r\n\r\n";
    }
    ASSERT_TRUE(c.Send(request)) << encoding;
    auto r = c.Read();  // read alone, never waiting for room that cannot come
    ASSERT_TRUE(r) << encoding;
    EXPECT_EQ(r->status, 200) << encoding;
    EXPECT_EQ(r->body, "{\"bytes\":" + std::to_string(body.size()) + "}") << encoding;
  }
}

// A large body its exchange refuses from the head (Exchange::AdmitBody, the API: no valid token)
// is answered without being read and takes no place in the budget: refused clients holding their
// connections without sending a body byte delay nobody.
TEST(ServerLimitsTest, LargeBodiesRefusedFromTheirHeadAreNeitherReadNorHeld) {
  std::atomic<int> handled{0};
  std::atomic<int> checked{0};
  Handler h = FunctionHandler(
      [&](const HttpRequest& q) {
        ++handled;
        return JsonResponse(200, {{"bytes", q.body.size()}});
      },
      {},
      [&](const HttpRequest& head) -> std::optional<HttpResponse> {
        ++checked;
        if (head.headers.Get("X-Allowed")) return std::nullopt;
        return ErrorResponse(401, "missing", "no token");
      });
  ServerOptions o;
  o.max_held_body_bytes = 300 * 1024;  // one 200 KiB body fits, two do not
  RunningServer s(o, h);
  const std::string body(200 * 1024, 'x');
  const std::string sized = "POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n";
  const std::string chunked = "POST /u HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n";
  std::vector<std::unique_ptr<Conn>> refused;  // held open after their answers
  for (const std::string& head : {sized, sized, chunked}) {
    refused.push_back(std::make_unique<Conn>(s.port()));
    ASSERT_TRUE(refused.back()->Send(head + "\r\n"));
    auto r = refused.back()->Read();  // answered with no body byte sent
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->headers["connection"], "close");
  }
  Conn allowed(s.port());
  ASSERT_TRUE(allowed.Send(sized + "X-Allowed: 1\r\n\r\n" + body));
  auto ok = allowed.Read();  // at once: none of the refused holds room in the budget
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "{\"bytes\":" + std::to_string(body.size()) + "}");
  Conn small(s.port());
  ASSERT_TRUE(small.Send("POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  auto small_answer = small.Read();  // a small body is read with its head: the handler decides
  ASSERT_TRUE(small_answer);
  EXPECT_EQ(small_answer->status, 200);
  EXPECT_EQ(handled.load(), 2);
  EXPECT_EQ(checked.load(), 4);
}

// Bytes in use by malloc in this process (the server runs in it), or 0 when the allocator does
// not say (a sanitizer's).
size_t HeapInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// A keep-alive connection that has uploaded gives the body's memory back once the request is
// handled, instead of holding it until it closes: with 200 clients that had each uploaded
// 0.8 MB once, bench/load.sh saw ~0.8 MiB per open connection.
TEST(ServerLimitsTest, AnsweredBodiesAreNotHeldByOpenConnections) {
  RunningServer s({}, Ok());
  constexpr int kConnections = 16;
  const std::string body(1 << 20, 'z');
  const std::string upload = "POST /u HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body;
  {
    Conn warm(s.port());  // the server's one-off allocations, before the baseline
    ASSERT_TRUE(warm.Send(upload));
    ASSERT_TRUE(warm.Read());
  }
  const size_t before = HeapInUse();
  if (before == 0) GTEST_SKIP() << "mallinfo2 reports nothing under this allocator";

  std::vector<std::unique_ptr<Conn>> open;
  for (int i = 0; i < kConnections; ++i) {
    open.push_back(std::make_unique<Conn>(s.port()));
    ASSERT_TRUE(open.back()->Send(upload));
    auto r = open.back()->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    // A small request after the upload: the body is gone whatever the next request is.
    ASSERT_TRUE(open.back()->Send(Get("/x")));
    ASSERT_TRUE(open.back()->Read());
  }
  const size_t after = HeapInUse();
  const double held_mib = (static_cast<double>(after) - static_cast<double>(before)) / (1 << 20);
  // Holding them would be 16 MiB; the connections' own state is a few KiB each.
  EXPECT_LT(held_mib, 4.0) << kConnections << " open connections hold " << held_mib << " MiB";
}

// A trailer section larger than the read buffer can hold (Beast parses it only whole) is refused
// while it arrives, not kept: four 8 MiB floods at once raise the server's heap by at most a few
// read buffers at their peak (each was held whole before: 750 MB for 100 MB of trailers).
TEST(ServerLimitsTest, AFloodOfTrailersIsRefusedWithoutGrowingTheServer) {
  RunningServer s({}, Ok());
  constexpr int kFloods = 4;
  std::string line = "X-Flood: " + std::string(100, 'a') + "\r\n";
  std::string flood;
  while (flood.size() < 8 * 1024 * 1024) flood += line;
  const std::string request = Chunked("5\r\nhello\r\n0\r\n" + flood + "\r\n");
  {
    Conn warm(s.port());  // the server's one-off allocations, before the baseline
    ASSERT_TRUE(warm.Send(Get("/x")));
    ASSERT_TRUE(warm.Read());
  }
  const size_t before = HeapInUse();
  std::atomic<bool> flooding{true};
  std::atomic<size_t> peak{before};
  std::thread sampler([&] {
    while (flooding) {
      peak = std::max(peak.load(), HeapInUse());
      std::this_thread::sleep_for(1ms);
    }
  });
  std::vector<std::future<std::optional<int>>> floods;
  for (int i = 0; i < kFloods; ++i) {
    floods.push_back(std::async(std::launch::async, [&]() -> std::optional<int> {
      Conn c(s.port());
      // The server refuses and closes before all of it is sent: the send may fail part way.
      c.Send(request);
      auto r = c.Read();
      EXPECT_TRUE(c.WaitClosed(5000));
      return r ? std::optional<int>(r->status) : std::nullopt;
    }));
  }
  for (auto& f : floods) {
    auto status = f.get();
    if (status) {
      EXPECT_EQ(*status, 431);
    }  // else lost to the reset of the unread rest
  }
  flooding = false;
  sampler.join();
  if (before == 0) GTEST_SKIP() << "mallinfo2 reports nothing under this allocator";
  const double grew_mib = (static_cast<double>(peak) - static_cast<double>(before)) / (1 << 20);
  // Each session may hold one read buffer (~352 KiB) and a header's worth of fields.
  EXPECT_LT(grew_mib, 8.0) << kFloods << " floods of 8 MiB raised the heap by " << grew_mib << " MiB";
  Conn after(s.port());
  ASSERT_TRUE(after.Send(Get("/x")));
  auto r = after.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace noisett::http
