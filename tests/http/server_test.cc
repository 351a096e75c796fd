// The server over loopback with tiny handlers: responses, keep-alive, HEAD, offloading, handler
// failures and graceful stop.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iterator>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "http/test_client.h"

namespace noisett::http {
namespace {

using testing::Conn;
using testing::FunctionHandler;
using testing::Get;
using testing::RunningServer;
using namespace std::chrono_literals;

// Answers "METHOD TARGET BODYSIZE" as text.
Handler Echo(std::function<Lane(const HttpRequest&)> lane = {}) {
  return FunctionHandler(
      [](const HttpRequest& q) {
        HttpResponse r;
        r.headers.Set("Content-Type", "text/plain");
        r.body = q.method + " " + q.target + " " + std::to_string(q.body.size());
        return r;
      },
      std::move(lane));
}

TEST(ServerTest, AnswersAndSetsCommonHeaders) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/hello?x=1")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /hello?x=1 0");
  EXPECT_EQ(r->headers["content-type"], "text/plain");
  EXPECT_EQ(r->headers["x-content-type-options"], "nosniff");
  EXPECT_FALSE(r->headers["x-request-id"].empty());
}

// Every accepted connection has Nagle off (session.cc says why: it held the tail of an answer
// longer than one segment back until the client's delayed ACK, 40 ms). The accepted socket is
// found among this process's descriptors: local port the server's, with a peer (the listener
// has none).
TEST(ServerTest, AcceptedConnectionsHaveNoNagle) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x")));
  ASSERT_TRUE(c.Read());
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in local{};
    sockaddr_in peer{};
    socklen_t size = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) != 0) continue;
    if (local.sin_family != AF_INET || ntohs(local.sin_port) != s.port()) continue;
    size = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0) continue;
    int no_delay = 0;
    socklen_t length = sizeof no_delay;
    ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &no_delay, &length), 0);
    EXPECT_NE(no_delay, 0) << "Nagle is on for the accepted connection";
    ++found;
  }
  EXPECT_EQ(found, 1);
}

TEST(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/one")));
  auto first = c.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "GET /one 0");
  ASSERT_TRUE(c.Send(Get("/two")));
  auto second = c.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "GET /two 0");
  EXPECT_NE(first->headers["x-request-id"], second->headers["x-request-id"]);
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/a") + Get("/b") + Get("/c")));
  for (const char* want : {"GET /a 0", "GET /b 0", "GET /c 0"}) {
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, want);
  }
}

TEST(ServerTest, ConnectionCloseAndHttp10CloseAfterTheResponse) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x", "Connection: close\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(c.WaitClosed(2000));

  Conn old(s.port());
  ASSERT_TRUE(old.Send("GET /y HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(old.Read());
  EXPECT_TRUE(old.WaitClosed(2000));
}

TEST(ServerTest, PostBodyReachesTheHandler) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  std::string body(5000, 'x');
  ASSERT_TRUE(c.Send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + body));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /up 5000");
}

TEST(ServerTest, ChunkedBodyIsAccepted) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(
      c.Send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /c 8");
}

TEST(ServerTest, ExpectContinueGetsAnInterimResponse) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(
      c.Send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto interim = c.Read(/*head=*/true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.Send("abc"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /e 3");
}

TEST(ServerTest, HeadKeepsTheHandlersContentLengthAndSendsNoBody) {
  Handler h = FunctionHandler([](const HttpRequest&) {
    HttpResponse r;
    r.headers.Set("Content-Length", "12345");
    return r;
  });
  RunningServer s({}, h);
  Conn c(s.port());
  ASSERT_TRUE(c.Send("HEAD /b HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = c.Read(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers["content-length"], "12345");
  // The connection stays usable: no stray body bytes precede the next response.
  ASSERT_TRUE(c.Send("HEAD /b HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto again = c.Read(/*head=*/true);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(ServerTest, InlineAndOffloadedHandlersBothAnswer) {
  std::atomic<int> inline_calls{0};
  RunningServer s({}, Echo([&](const HttpRequest& q) {
                    bool off = q.target == "/heavy";
                    if (!off) ++inline_calls;
                    return off ? Lane::kWorkers : Lane::kIo;
                  }));
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/heavy") + Get("/light")));
  EXPECT_EQ(c.Read()->body, "GET /heavy 0");
  EXPECT_EQ(c.Read()->body, "GET /light 0");
  EXPECT_EQ(inline_calls.load(), 1);
}

// A read on the read lane is answered while every worker is busy: a gallery page does not queue
// behind uploads.
TEST(ServerTest, ReadsAreAnsweredWhileEveryWorkerIsBusy) {
  std::promise<void> release;
  std::shared_future<void> may_finish = release.get_future().share();
  std::atomic<bool> working{false};
  Handler h = FunctionHandler(
      [&](const HttpRequest& q) {
        if (q.target == "/work") {
          working = true;
          may_finish.wait();
        }
        return JsonResponse(200, {{"target", q.target}});
      },
      [](const HttpRequest& q) { return q.target == "/work" ? Lane::kWorkers : Lane::kReads; });
  ServerOptions o;
  o.worker_threads = 1;
  o.read_threads = 1;
  RunningServer s(o, h);
  Conn work(s.port());
  ASSERT_TRUE(work.Send(Get("/work")));
  for (int i = 0; i < 200 && !working; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(working.load());
  Conn read(s.port(), 3000);
  ASSERT_TRUE(read.Send(Get("/read")));
  auto answer = read.Read();  // the only worker is still held
  release.set_value();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "{\"target\":\"/read\"}");
  auto worked = work.Read();
  ASSERT_TRUE(worked);
  EXPECT_EQ(worked->status, 200);
}

TEST(ServerTest, AThrowingHandlerIsA500AndTheServerLives) {
  Handler h = FunctionHandler([](const HttpRequest& q) -> HttpResponse {
    if (q.target == "/boom") throw std::runtime_error("boom");
    return JsonResponse(200, {{"ok", true}});
  });
  RunningServer s({}, h);
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/boom") + Get("/fine")));
  auto bad = c.Read();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 500);
  EXPECT_NE(bad->body.find("\"internal\""), std::string::npos);
  auto good = c.Read();
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
}

TEST(ServerTest, MalformedRequestIs400) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\nBad Header Without Colon\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.WaitClosed(2000));
}

TEST(ServerTest, GracefulStopFinishesTheRequestInFlight) {
  std::atomic<bool> started{false};
  Handler slow = FunctionHandler([&](const HttpRequest&) {
    started = true;
    std::this_thread::sleep_for(600ms);
    return JsonResponse(200, {{"done", true}});
  });
  RunningServer s({}, slow);
  Conn busy(s.port());
  Conn idle(s.port());
  ASSERT_TRUE(busy.Send(Get("/slow")));
  while (!started) std::this_thread::sleep_for(5ms);
  std::thread stopper([&] { s.StopAndJoin(); });
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"done\":true}");
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(idle.WaitClosed(3000));
  stopper.join();  // Run() returned
  Conn late(s.port(), 500);
  EXPECT_TRUE(!late.ok() || late.WaitClosed(1000) || !late.Send(Get("/x")) || !late.Read());
}

TEST(ServerTest, GracefulStopLetsAnArrivingRequestFinish) {
  RunningServer s({}, Echo());
  Conn c(s.port());
  ASSERT_TRUE(c.Send("POST /late HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab"));
  std::this_thread::sleep_for(100ms);  // the server has the first bytes
  std::thread stopper([&] { s.StopAndJoin(); });
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(c.Send("cd"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /late 4");
  EXPECT_EQ(r->headers["connection"], "close");
  stopper.join();
}

TEST(ServerTest, StopBeforeAnyConnectionReturnsPromptly) {
  auto start = std::chrono::steady_clock::now();
  { RunningServer s({}, Echo()); }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

// The stop can lock a Session just as its client hangs up and its context's run() returns; that
// Session then ends only when the Server is destroyed, which must not touch freed state. The
// window is narrow (CI's sanitize build hit it once), so this repeats the hang-up-during-stop
// shape to give ASan chances at it; passing does not prove the race absent.
TEST(ServerTest, StoppingAsClientsHangUpEndsCleanly) {
  for (int round = 0; round < 50; ++round) {
    ServerOptions o;
    o.threads = 2;
    RunningServer s(o, Echo());
    std::vector<std::unique_ptr<Conn>> conns;
    for (int i = 0; i < 6; ++i) {
      conns.push_back(std::make_unique<Conn>(s.port()));
      ASSERT_TRUE(conns.back()->Send(Get("/x")));
      ASSERT_TRUE(conns.back()->Read());
    }
    std::thread stopper([&] { s.StopAndJoin(); });
    conns.clear();
    stopper.join();
  }
}

// The server opens a request's exchange once, from its head, whatever the body: the handler's
// route table is walked once per request, and only a large body is checked before it is read.
TEST(ServerTest, EachRequestIsOpenedOnceFromItsHead) {
  std::atomic<int> opened{0}, checked{0}, handled{0};
  Handler inner = FunctionHandler(
      [&](const HttpRequest& q) {
        ++handled;
        return JsonResponse(200, {{"bytes", q.body.size()}});
      },
      [&](const HttpRequest& head) {
        EXPECT_TRUE(head.body.empty());
        return Lane::kWorkers;
      },
      [&](const HttpRequest& head) -> std::optional<HttpResponse> {
        EXPECT_TRUE(head.body.empty());
        ++checked;
        return std::nullopt;
      });
  Handler counting{[&opened, inner](const HttpRequest& head) {
    ++opened;
    return inner.open(head);
  }};
  RunningServer s({}, counting);
  const std::string requests[] = {
      Get("/a"), "POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
      "POST /large HTTP/1.1\r\nHost: t\r\nContent-Length: 102400\r\n\r\n" +
          std::string(100 * 1024, 'x'),
      "POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n"};
  const char* bodies[] = {"{\"bytes\":0}", "{\"bytes\":5}", "{\"bytes\":102400}", "{\"bytes\":5}"};
  Conn c(s.port());
  for (size_t i = 0; i < std::size(requests); ++i) {
    ASSERT_TRUE(c.Send(requests[i]));
    auto r = c.Read();
    ASSERT_TRUE(r) << bodies[i];
    EXPECT_EQ(r->body, bodies[i]);
  }
  EXPECT_EQ(opened.load(), 4);
  EXPECT_EQ(checked.load(), 2);  // the large and the chunked body
  EXPECT_EQ(handled.load(), 4);
}

// Create binds and Run takes the handler: a client that connects in between waits in the backlog
// and is served once Run starts (noisett serve builds its application knowing the bound port).
TEST(ServerTest, AClientConnectingBeforeRunIsServedByRunsHandler) {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.access_log = false;
  auto server = Server::Create(o);
  ASSERT_TRUE(server) << server.error().ToString();
  Conn early((*server)->Port());
  ASSERT_TRUE(early.Send(Get("/early")));
  std::this_thread::sleep_for(100ms);
  std::thread runner([&] { (*server)->Run(Echo()); });
  auto r = early.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /early 0");
  (*server)->Stop();
  runner.join();
}

TEST(ServerTest, BadListenAddressIsAnError) {
  ServerOptions o;
  o.listen = "nonsense";
  auto s = Server::Create(o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().reason, "bad_listen");
}

}  // namespace
}  // namespace noisett::http
