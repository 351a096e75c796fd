// Streamed responses (response_stream.h) over loopback: pieces delivered from another thread
// arrive as chunks and the body ends, the connection is kept after it, heartbeats fill silences,
// a client that hangs up gets its stream cancelled (and a late deliver is harmless, even once the
// server is gone), Stop ends open streams, hundreds of streams hold no worker, and HTTP/1.0 gets
// a close-delimited body.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/response_stream.h"
#include "http/test_client.h"

namespace noisett::http {
namespace {

using testing::Conn;
using testing::FunctionHandler;
using testing::Get;
using testing::RunningServer;
using namespace std::chrono_literals;
using Deliver = std::function<void(std::optional<std::string>)>;

// A stream the test feeds from its own threads: a pushed piece goes to the pending Next, or waits
// for the next one (then delivered from inside Next, as a stream with a backlog would).
class FedStream final : public ResponseStream {
 public:
  explicit FedStream(std::string heartbeat) : heartbeat_(std::move(heartbeat)) {}

  void Next(Deliver deliver) override {
    std::unique_lock lock(mu_);
    ++nexts_;
    if (queue_.empty()) {
      pending_ = std::move(deliver);
      changed_.notify_all();
      return;
    }
    std::optional<std::string> piece = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    deliver(std::move(piece));
  }
  void Cancel() noexcept override {
    std::lock_guard lock(mu_);
    ++cancels_;
    changed_.notify_all();
  }
  std::string Heartbeat() const override { return heartbeat_; }

  void Push(std::optional<std::string> piece) {
    Deliver deliver;
    {
      std::lock_guard lock(mu_);
      if (!pending_) return queue_.push_back(std::move(piece));
      deliver = std::exchange(pending_, nullptr);
    }
    deliver(std::move(piece));
  }
  // The deliver of the pending Next, kept for a test to call late.
  Deliver TakePending() {
    std::lock_guard lock(mu_);
    return std::exchange(pending_, nullptr);
  }
  bool WaitPending() {
    return WaitFor([this] { return pending_ != nullptr; });
  }
  bool WaitCancelled() {
    return WaitFor([this] { return cancels_ > 0; });
  }
  int nexts() const {
    std::lock_guard lock(mu_);
    return nexts_;
  }
  int cancels() const {
    std::lock_guard lock(mu_);
    return cancels_;
  }

 private:
  template <typename Done>
  bool WaitFor(Done done) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 5s, done);
  }

  const std::string heartbeat_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::optional<std::string>> queue_;
  Deliver pending_;
  int nexts_ = 0;
  int cancels_ = 0;
};

// The streams the server was given, in order.
struct Streams {
  std::string heartbeat;
  std::string first_body;  // HttpResponse::body of a streamed answer
  std::mutex mu;
  std::vector<std::shared_ptr<FedStream>> made;

  std::shared_ptr<FedStream> Make() {
    auto stream = std::make_shared<FedStream>(heartbeat);
    std::lock_guard lock(mu);
    made.push_back(stream);
    return stream;
  }
  std::shared_ptr<FedStream> at(size_t i) {
    std::lock_guard lock(mu);
    return i < made.size() ? made[i] : nullptr;
  }
};

// /stream answers with a new FedStream, from a worker; anything else is a small JSON answer, from
// a worker too (so a held worker would show).
Handler StreamHandler(Streams& streams) {
  return FunctionHandler([&streams](const HttpRequest& q) {
    if (q.path() != "/stream") return JsonResponse(200, {{"path", q.target}});
    HttpResponse r;
    r.headers.Set("Content-Type", "text/event-stream");
    r.body = streams.first_body;
    r.stream = streams.Make();
    return r;
  });
}

ServerOptions Options(std::chrono::milliseconds heartbeat = 15s) {
  ServerOptions o;
  o.threads = 2;
  o.worker_threads = 2;
  o.stream_heartbeat = heartbeat;
  return o;
}

// Sends GET /stream and reads the head of the streamed answer.
std::shared_ptr<FedStream> OpenStream(Conn& c, Streams& streams, size_t index) {
  if (!c.Send(Get("/stream"))) return nullptr;
  auto head = c.Read(/*head=*/true);
  if (!head || head->status != 200) return nullptr;
  return streams.at(index);
}

TEST(ServerStreamTest, PiecesFromAnotherThreadArriveInOrderAsChunks) {
  Streams streams;
  streams.first_body = "retry: 1000\n\n";
  RunningServer s(Options(), StreamHandler(streams));
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/stream")));
  auto head = c.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["transfer-encoding"], "chunked");
  EXPECT_EQ(head->headers.count("content-length"), 0u);
  EXPECT_EQ(head->headers["content-type"], "text/event-stream");
  auto stream = streams.at(0);
  ASSERT_TRUE(stream);
  std::thread producer([&] {
    stream->Push("data: 1\n\n");  // before Next: delivered from inside it
    for (const char* piece : {"data: 2\n\n", "data: 3\n\n"}) {
      ASSERT_TRUE(stream->WaitPending());
      stream->Push(piece);
    }
    ASSERT_TRUE(stream->WaitPending());
    stream->Push(std::nullopt);
  });
  for (const char* want : {"retry: 1000\n\n", "data: 1\n\n", "data: 2\n\n", "data: 3\n\n", ""}) {
    EXPECT_EQ(c.ReadChunk(), want);
  }
  producer.join();
  EXPECT_EQ(stream->nexts(), 4);
  EXPECT_EQ(stream->cancels(), 0);  // it ended itself
}

TEST(ServerStreamTest, TheConnectionServesTheNextRequestAfterTheStream) {
  Streams streams;
  RunningServer s(Options(), StreamHandler(streams));
  Conn c(s.port());
  auto stream = OpenStream(c, streams, 0);
  ASSERT_TRUE(stream);
  stream->Push("data: only\n\n");
  stream->Push(std::nullopt);
  EXPECT_EQ(c.ReadChunk(), "data: only\n\n");
  EXPECT_EQ(c.ReadChunk(), "");
  ASSERT_TRUE(c.Send(Get("/after")));
  auto next = c.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "{\"path\":\"/after\"}");
  auto again = OpenStream(c, streams, 1);  // and a second stream on the same connection
  ASSERT_TRUE(again);
  again->Push(std::nullopt);
  EXPECT_EQ(c.ReadChunk(), "");
}

TEST(ServerStreamTest, ARequestPipelinedDuringTheStreamIsAnsweredAfterIt) {
  Streams streams;
  RunningServer s(Options(), StreamHandler(streams));
  Conn c(s.port());
  auto stream = OpenStream(c, streams, 0);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(c.Send(Get("/queued")));
  std::this_thread::sleep_for(50ms);  // the session has the bytes before the stream ends
  stream->Push("data: x\n\n");
  stream->Push(std::nullopt);
  EXPECT_EQ(c.ReadChunk(), "data: x\n\n");
  EXPECT_EQ(c.ReadChunk(), "");
  auto next = c.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "{\"path\":\"/queued\"}");
}

// At the connection cap a streaming connection is not idle: the new client is refused rather
// than a stream cut.
TEST(ServerStreamTest, StreamsCountAgainstTheCapAndAreNeverEvicted) {
  Streams streams;
  ServerOptions o = Options();
  o.max_connections = 2;
  RunningServer s(o, StreamHandler(streams));
  Conn a(s.port()), b(s.port());
  ASSERT_TRUE(OpenStream(a, streams, 0));
  ASSERT_TRUE(OpenStream(b, streams, 1));
  std::this_thread::sleep_for(100ms);
  Conn third(s.port());
  ASSERT_TRUE(third.Send(Get("/plain")));
  auto refused = third.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(streams.at(0)->cancels() + streams.at(1)->cancels(), 0);
  streams.at(0)->Push("data: on\n\n");
  streams.at(1)->Push("data: on\n\n");
  EXPECT_EQ(a.ReadChunk(), "data: on\n\n");
  EXPECT_EQ(b.ReadChunk(), "data: on\n\n");
}

TEST(ServerStreamTest, AHeartbeatFillsTheSilenceWithoutDisturbingTheNextPiece) {
  Streams streams;
  streams.heartbeat = ": keep-alive\n\n";
  RunningServer s(Options(50ms), StreamHandler(streams));
  Conn c(s.port());
  auto stream = OpenStream(c, streams, 0);
  ASSERT_TRUE(stream);
  EXPECT_EQ(c.ReadChunk(), ": keep-alive\n\n");
  EXPECT_EQ(c.ReadChunk(), ": keep-alive\n\n");
  EXPECT_EQ(stream->nexts(), 1);  // the same Next still pending
  stream->Push("data: late\n\n");
  std::optional<std::string> chunk;
  while ((chunk = c.ReadChunk()) && *chunk == ": keep-alive\n\n") {
  }
  EXPECT_EQ(chunk, "data: late\n\n");
  ASSERT_TRUE(stream->WaitPending());
  stream->Push(std::nullopt);
  while ((chunk = c.ReadChunk()) && *chunk == ": keep-alive\n\n") {
  }
  EXPECT_EQ(chunk, "");
}

// The idle timeout is for a connection waiting for a request, not for one streaming an answer.
TEST(ServerStreamTest, TheIdleTimeoutDoesNotEndAStream) {
  Streams streams;
  ServerOptions o = Options();
  o.idle_timeout_s = 1;
  o.read_timeout_s = 1;
  RunningServer s(o, StreamHandler(streams));
  Conn c(s.port());
  auto stream = OpenStream(c, streams, 0);
  ASSERT_TRUE(stream);
  std::this_thread::sleep_for(1500ms);
  stream->Push("data: still here\n\n");
  EXPECT_EQ(c.ReadChunk(), "data: still here\n\n");
  EXPECT_EQ(stream->cancels(), 0);
}

// No heartbeat: the read the session keeps pending notices the hang-up by itself. The deliver the
// stream held is called after the cancel, and again after the server is gone: both are ignored.
TEST(ServerStreamTest, AClientThatHangsUpGetsItsStreamCancelled) {
  Streams streams;
  Deliver late;
  {
    RunningServer s(Options(), StreamHandler(streams));
    auto c = std::make_unique<Conn>(s.port());
    auto stream = OpenStream(*c, streams, 0);
    ASSERT_TRUE(stream);
    ASSERT_TRUE(stream->WaitPending());
    c.reset();  // hang up
    ASSERT_TRUE(stream->WaitCancelled());
    late = stream->TakePending();
    ASSERT_TRUE(late);
    Deliver copy = late;
    std::thread([copy] { copy("data: too late\n\n"); }).join();
    Conn other(s.port());  // the server lives on
    ASSERT_TRUE(other.Send(Get("/plain")));
    ASSERT_TRUE(other.Read());
  }
  late(std::nullopt);  // the server is gone
  EXPECT_EQ(streams.at(0)->cancels(), 1);
}

// A request pipelined while the stream runs ends the watch read (its bytes wait for after the
// stream); then the heartbeat's failed write notices the hang-up.
TEST(ServerStreamTest, AHangUpAfterPipelinedBytesIsNoticedByTheHeartbeat) {
  Streams streams;
  streams.heartbeat = ": keep-alive\n\n";
  RunningServer s(Options(50ms), StreamHandler(streams));
  auto c = std::make_unique<Conn>(s.port());
  ASSERT_TRUE(c->Send(Get("/stream")));
  ASSERT_TRUE(c->Read(/*head=*/true));
  ASSERT_TRUE(c->Send(Get("/next")));
  EXPECT_EQ(c->ReadChunk(), ": keep-alive\n\n");
  c.reset();
  auto stream = streams.at(0);
  ASSERT_TRUE(stream);
  EXPECT_TRUE(stream->WaitCancelled());
}

// Delivers racing hang-ups, the stop and the server's end, for ASan to watch: passing does not
// prove the races absent.
TEST(ServerStreamTest, DeliversRacingHangUpsAndTheStopEndCleanly) {
  for (int round = 0; round < 20; ++round) {
    Streams streams;
    streams.heartbeat = ": hb\n\n";
    auto s = std::make_unique<RunningServer>(Options(1ms), StreamHandler(streams));
    std::vector<std::unique_ptr<Conn>> conns;
    for (size_t i = 0; i < 8; ++i) {
      conns.push_back(std::make_unique<Conn>(s->port()));
      ASSERT_TRUE(OpenStream(*conns.back(), streams, i));
    }
    std::atomic<bool> producing{true};
    std::thread producer([&] {
      for (int n = 0; producing || n < 200; ++n) {
        for (size_t i = 0; i < 8; ++i) streams.at(i)->Push("data: " + std::to_string(n) + "\n\n");
        if (n > 10000) break;
      }
    });
    std::this_thread::sleep_for(5ms);
    for (size_t i = 0; i < 8; i += 2) conns[i].reset();
    s->StopAndJoin();
    s.reset();
    producing = false;
    producer.join();
  }
}

TEST(ServerStreamTest, StopEndsOpenStreamsAndReturns) {
  Streams streams;
  auto s = std::make_unique<RunningServer>(Options(), StreamHandler(streams));
  std::vector<std::unique_ptr<Conn>> conns;
  for (size_t i = 0; i < 3; ++i) {
    conns.push_back(std::make_unique<Conn>(s->port()));
    ASSERT_TRUE(OpenStream(*conns.back(), streams, i));
    ASSERT_TRUE(streams.at(i)->WaitPending());
  }
  Deliver late = streams.at(0)->TakePending();
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { s->StopAndJoin(); });
  for (auto& c : conns) {
    EXPECT_EQ(c->ReadChunk(), "");  // the body was ended, then the connection closed
    EXPECT_TRUE(c->WaitClosed(3000));
  }
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // not the 30 s drain timeout
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(streams.at(i)->cancels(), 1) << i;
  s.reset();
  late("data: after the server\n\n");
}

// 500 open streams on 2 workers: each Handle returned at once, so a request that needs a worker
// is still answered.
TEST(ServerStreamTest, FiveHundredOpenStreamsHoldNoWorker) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < 1400) {
    GTEST_SKIP() << "open-file limit " << limit.rlim_max << ": 500 streams need both ends";
  }
  Streams streams;
  RunningServer s(Options(), StreamHandler(streams));  // Create raised the soft limit
  std::vector<std::unique_ptr<Conn>> conns;
  for (size_t i = 0; i < 500; ++i) {
    conns.push_back(std::make_unique<Conn>(s.port()));
    ASSERT_TRUE(conns.back()->ok()) << i;
    ASSERT_TRUE(conns.back()->Send(Get("/stream"))) << i;
  }
  for (size_t i = 0; i < conns.size(); ++i) {
    auto head = conns[i]->Read(/*head=*/true);
    ASSERT_TRUE(head) << i;
    ASSERT_EQ(head->status, 200) << i;
  }
  Conn plain(s.port());
  ASSERT_TRUE(plain.Send(Get("/plain")));
  auto answer = plain.Read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "{\"path\":\"/plain\"}");
  for (size_t i = 0; i < conns.size(); ++i) streams.at(i)->Push("data: flowing\n\n");
  for (size_t i = 0; i < conns.size(); ++i) {  // and every stream still flows
    ASSERT_EQ(conns[i]->ReadChunk(), "data: flowing\n\n") << i;
  }
}

// HTTP/1.0 has no chunks: the body is the pieces as they are, ended by closing the connection.
TEST(ServerStreamTest, Http10GetsACloseDelimitedBody) {
  Streams streams;
  RunningServer s(Options(), StreamHandler(streams));
  Conn c(s.port());
  ASSERT_TRUE(c.Send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto head = c.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers.count("transfer-encoding"), 0u);
  EXPECT_EQ(head->headers.count("content-length"), 0u);
  EXPECT_EQ(head->headers.count("connection"), 0u);  // HTTP/1.0: closes unless told otherwise
  auto stream = streams.at(0);
  ASSERT_TRUE(stream);
  stream->Push("data: a\n\n");
  stream->Push("data: b\n\n");
  stream->Push(std::nullopt);
  EXPECT_EQ(c.ReadToEnd(), "data: a\n\ndata: b\n\n");
}

TEST(ServerStreamTest, AHeadRequestGetsTheHeadAndTheStreamIsCancelled) {
  Streams streams;
  RunningServer s(Options(), StreamHandler(streams));
  Conn c(s.port());
  ASSERT_TRUE(c.Send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = c.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  ASSERT_TRUE(streams.at(0));
  EXPECT_EQ(streams.at(0)->cancels(), 1);
  EXPECT_EQ(streams.at(0)->nexts(), 0);
  ASSERT_TRUE(c.Send(Get("/plain")));  // no stray bytes before the next answer
  auto next = c.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

// A stream that breaks its contract (an empty piece) has its connection cut, the body unended;
// the server lives on.
TEST(ServerStreamTest, AnEmptyPieceCutsTheConnection) {
  Streams streams;
  RunningServer s(Options(), StreamHandler(streams));
  Conn c(s.port());
  auto stream = OpenStream(c, streams, 0);
  ASSERT_TRUE(stream);
  stream->Push("");
  EXPECT_EQ(c.ReadChunk(), std::nullopt);
  EXPECT_TRUE(stream->WaitCancelled());
  Conn other(s.port());
  ASSERT_TRUE(other.Send(Get("/plain")));
  ASSERT_TRUE(other.Read());
}

}  // namespace
}  // namespace noisett::http
