// File bodies (HttpResponse::file): FileSend on a socketpair (head and span bytes exact, a full
// socket, a short file, a peer gone), then the server over loopback: bytes identical small and
// large, spans at an offset, HEAD, pipelined requests behind a file body, and a client that stops
// reading mid-body or resets, which must cost neither a thread nor a descriptor.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "http/file_send.h"
#include "http/test_client.h"

namespace noisett::http {
namespace {

using testing::Conn;
using testing::FunctionHandler;
using testing::Get;
using testing::RunningServer;
using namespace std::chrono_literals;

// A temporary file with `bytes`, open for reading; removed (its name) at once.
std::shared_ptr<const int> TempFileWith(const std::string& bytes) {
  char name[] = "/tmp/noisett-file-send-XXXXXX";
  const int fd = ::mkstemp(name);
  EXPECT_GE(fd, 0);
  ::unlink(name);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), ssize_t(bytes.size()));
  return std::shared_ptr<const int>(new int(fd), [](const int* p) {
    ::close(*p);
    delete p;
  });
}

FileSpan SpanOf(const std::shared_ptr<const int>& file, uint64_t offset, uint64_t length) {
  return FileSpan{file, *file, offset, length};
}

// Bytes that differ at every position, so a misplaced offset shows.
std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = char('a' + (i * 7 + i / 251) % 26);
  return s;
}

// A few served connections, so every I/O thread has made its reactor's descriptors (Asio makes
// them at a context's first socket): what is open afterwards is the baseline.
void WarmUp(uint16_t port) {
  for (int i = 0; i < 4; ++i) {
    Conn c(port);
    ASSERT_TRUE(c.Send(Get("/text")));
    ASSERT_TRUE(c.Read());
  }
  std::this_thread::sleep_for(100ms);  // the server's ends of those connections close
}

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// The open descriptors once they are down to `most`, or after 3 s.
size_t DescriptorsSettledAt(size_t most) {
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (OpenDescriptors() > most && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  return OpenDescriptors();
}

// Everything readable on `fd` until `want` bytes (or EOF / 5 s without data).
std::string ReadUpTo(int fd, size_t want) {
  std::string out;
  char buf[65536];
  while (out.size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  return out;
}

class SocketPair {
 public:
  SocketPair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ours = fds[0];
    theirs = fds[1];
    ::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
  }
  ~SocketPair() {
    ::close(ours);
    if (theirs >= 0) ::close(theirs);
  }
  int ours = -1;
  int theirs = -1;
};

// Continues a blocked send while another thread reads `want` bytes from the other end; what the
// send ended with, and what was read, in *got.
FileSend::Progress FinishWithAReader(FileSend& send, SocketPair& pair, size_t want,
                                     std::string* got) {
  std::thread reader([&] { *got = ReadUpTo(pair.theirs, want); });
  FileSend::Progress progress;
  while ((progress = send.Continue(pair.ours)) == FileSend::Progress::kBlocked) {
    pollfd p{pair.ours, POLLOUT, 0};
    ::poll(&p, 1, 1000);
  }
  reader.join();
  return progress;
}

TEST(FileSendTest, TheHeadThenExactlyTheSpan) {
  const std::string content = Pattern(10000);
  auto file = TempFileWith(content);
  SocketPair pair;
  FileSend send("HEAD\r\n\r\n", SpanOf(file, 1234, 5000));
  ASSERT_EQ(send.Continue(pair.ours), FileSend::Progress::kDone);
  EXPECT_EQ(send.body_sent(), 5000u);
  EXPECT_EQ(ReadUpTo(pair.theirs, 8 + 5000), "HEAD\r\n\r\n" + content.substr(1234, 5000));
}

TEST(FileSendTest, AnEmptySpanSendsTheHeadAlone) {
  auto file = TempFileWith("");
  SocketPair pair;
  FileSend send("H", SpanOf(file, 0, 0));
  ASSERT_EQ(send.Continue(pair.ours), FileSend::Progress::kDone);
  EXPECT_EQ(ReadUpTo(pair.theirs, 1), "H");
}

TEST(FileSendTest, AFullSocketBlocksAndResumesWhereItStopped) {
  const std::string content = Pattern(8 << 20);  // far more than a socket buffer holds
  auto file = TempFileWith(content);
  SocketPair pair;
  FileSend send("head", SpanOf(file, 0, content.size()));
  ASSERT_EQ(send.Continue(pair.ours), FileSend::Progress::kBlocked);
  EXPECT_LT(send.body_sent(), content.size());
  std::string got;
  EXPECT_EQ(FinishWithAReader(send, pair, 4 + content.size(), &got), FileSend::Progress::kDone);
  EXPECT_EQ(got.size(), 4 + content.size());
  EXPECT_TRUE(got == "head" + content) << "the bytes differ";
}

TEST(FileSendTest, BytesInMemoryGoRightAfterTheHeadThenTheSpan) {
  const std::string content = Pattern(6000);
  auto file = TempFileWith(content);
  SocketPair pair;
  FileSend send("HEAD\r\n\r\n", "in memory;", SpanOf(file, 100, 3000));
  ASSERT_EQ(send.Continue(pair.ours), FileSend::Progress::kDone);
  EXPECT_EQ(send.body_sent(), 10u + 3000u);
  EXPECT_EQ(ReadUpTo(pair.theirs, 8 + 10 + 3000),
            "HEAD\r\n\r\nin memory;" + content.substr(100, 3000));
}

// An answer with no file (every JSON answer) larger than the socket's buffer: it blocks somewhere
// inside the bytes, and resumes there, never resending the head nor skipping a byte.
TEST(FileSendTest, BytesAloneBlockAndResumeWhereTheyStopped) {
  auto file = TempFileWith("");
  const std::string bytes = Pattern(4 << 20);
  SocketPair pair;
  FileSend send("head:", bytes, SpanOf(file, 0, 0));
  ASSERT_EQ(send.Continue(pair.ours), FileSend::Progress::kBlocked);
  EXPECT_LT(send.body_sent(), bytes.size());
  std::string got;
  EXPECT_EQ(FinishWithAReader(send, pair, 5 + bytes.size(), &got), FileSend::Progress::kDone);
  EXPECT_EQ(send.body_sent(), bytes.size());
  EXPECT_TRUE(got == "head:" + bytes) << "the bytes differ (" << got.size() << " received)";
}

TEST(FileSendTest, APeerThatIsGoneFailsWithItsErrorAndNoSignal) {
  auto file = TempFileWith("");
  SocketPair pair;
  ::close(pair.theirs);
  pair.theirs = -1;
  FileSend send("head", "body", SpanOf(file, 0, 0));
  EXPECT_EQ(send.Continue(pair.ours), FileSend::Progress::kFailed);  // EPIPE, and no SIGPIPE
  EXPECT_EQ(send.error(), EPIPE);
}

TEST(FileSendTest, AFileShorterThanItsSpanFails) {
  auto file = TempFileWith("short");
  SocketPair pair;
  FileSend send("h", SpanOf(file, 0, 100));
  EXPECT_EQ(send.Continue(pair.ours), FileSend::Progress::kFailed);
  EXPECT_EQ(send.error(), EIO);
  EXPECT_EQ(send.body_sent(), 5u);
}

TEST(FileSendTest, APeerGoneIsAnErrorNotASignal) {
  std::signal(SIGPIPE, SIG_IGN);  // as Server::Create does
  auto file = TempFileWith(Pattern(1000));
  SocketPair pair;
  ::close(pair.theirs);
  pair.theirs = -1;
  FileSend send("h", SpanOf(file, 0, 1000));
  EXPECT_EQ(send.Continue(pair.ours), FileSend::Progress::kFailed);
  EXPECT_EQ(send.error(), EPIPE);
}

// Serves "/small", "/big" (8 MiB), "/huge" (64 MiB, sparse) and "/part" (bytes 100..1099 of
// small) from files; remembers the last file it handed out.
class FileServerTest : public ::testing::Test {
 protected:
  FileServerTest() {
    small_content_ = Pattern(20000);
    big_content_ = Pattern(8 << 20);
    small_ = TempFileWith(small_content_);
    big_ = TempFileWith(big_content_);
    huge_ = TempFileWith("x");
    EXPECT_EQ(::ftruncate(*huge_, 64 << 20), 0);
  }

  Handler Files() {
    return FunctionHandler(
        [this](const HttpRequest& q) {
          HttpResponse r;
          r.headers.Set("Content-Type", "application/octet-stream");
          if (q.path() == "/small") r.file = SpanOf(small_, 0, small_content_.size());
          if (q.path() == "/part") r.file = SpanOf(small_, 100, 1000);
          if (q.path() == "/big") r.file = SpanOf(big_, 0, big_content_.size());
          if (q.path() == "/huge") r.file = SpanOf(huge_, 0, 64 << 20);
          if (q.path() == "/text") r.body = "text";
          return r;
        },
        [](const HttpRequest&) { return Lane::kIo; });
  }

  std::string small_content_, big_content_;
  std::shared_ptr<const int> small_, big_, huge_;
};

TEST_F(FileServerTest, TheBytesAreTheFilesExactly) {
  RunningServer s({}, Files());
  Conn c(s.port());
  for (int i = 0; i < 2; ++i) {  // keep-alive: the connection goes on after a file body
    ASSERT_TRUE(c.Send(Get("/small")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->headers["content-length"], std::to_string(small_content_.size()));
    EXPECT_TRUE(r->body == small_content_);
  }
  ASSERT_TRUE(c.Send(Get("/part")));
  auto part = c.Read();
  ASSERT_TRUE(part);
  EXPECT_EQ(part->headers["content-length"], "1000");
  EXPECT_EQ(part->body, small_content_.substr(100, 1000));
  ASSERT_TRUE(c.Send(Get("/big")));
  auto big = c.Read();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body.size(), big_content_.size());
  EXPECT_TRUE(big->body == big_content_) << "the large body differs";
}

TEST_F(FileServerTest, HeadSendsNoBody) {
  RunningServer s({}, Files());
  Conn c(s.port());
  ASSERT_TRUE(c.Send("HEAD /small HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/text")));
  auto head = c.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->headers["content-length"], std::to_string(small_content_.size()));
  auto next = c.Read();  // straight after the head: no body bytes came between
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "text");
}

TEST_F(FileServerTest, PipelinedRequestsBehindFileBodiesAreAnsweredInOrder) {
  RunningServer s({}, Files());
  Conn c(s.port());
  // The large body fills the socket, so the requests behind it wait in the server's buffer.
  ASSERT_TRUE(c.Send(Get("/big") + Get("/small") + Get("/text") + Get("/part")));
  std::this_thread::sleep_for(200ms);
  auto big = c.Read();
  ASSERT_TRUE(big);
  EXPECT_TRUE(big->body == big_content_);
  auto small = c.Read();
  ASSERT_TRUE(small);
  EXPECT_TRUE(small->body == small_content_);
  auto text = c.Read();
  ASSERT_TRUE(text);
  EXPECT_EQ(text->body, "text");
  auto part = c.Read();
  ASSERT_TRUE(part);
  EXPECT_EQ(part->body, small_content_.substr(100, 1000));
}

TEST_F(FileServerTest, AClientThatStopsReadingIsCutOffAndReleasesTheFile) {
  ServerOptions options;
  options.read_timeout_s = 1;
  RunningServer s(options, Files());
  WarmUp(s.port());
  const size_t descriptors = OpenDescriptors();
  std::weak_ptr<const int> watched = huge_;
  const long holders = huge_.use_count();
  {
    Conn stalled(s.port());
    ASSERT_TRUE(stalled.Send(Get("/huge")));
    std::this_thread::sleep_for(300ms);
    EXPECT_GT(huge_.use_count(), holders);  // being sent
    // Other connections are served meanwhile: no thread waits on the stalled one.
    Conn other(s.port());
    ASSERT_TRUE(other.Send(Get("/small")));
    auto r = other.Read();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->body == small_content_);
    // Within the write timeout the server gives up on it, and lets go of the file.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (huge_.use_count() > holders && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(huge_.use_count(), holders);
    EXPECT_TRUE(stalled.WaitClosed(3000));
  }
  EXPECT_LE(DescriptorsSettledAt(descriptors), descriptors);
}

TEST_F(FileServerTest, AClientThatResetsMidBodyCostsNothing) {
  RunningServer s({}, Files());
  WarmUp(s.port());
  const size_t descriptors = OpenDescriptors();
  const long holders = huge_.use_count();
  for (int i = 0; i < 3; ++i) {
    Conn c(s.port());
    ASSERT_TRUE(c.Send(Get("/huge")));
    std::this_thread::sleep_for(100ms);
    // Closing with unread bytes resets the connection: the server's next sendfile fails (EPIPE
    // or ECONNRESET, never SIGPIPE).
  }
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (huge_.use_count() > holders && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(huge_.use_count(), holders);
  EXPECT_LE(DescriptorsSettledAt(descriptors), descriptors);
  Conn after(s.port());
  ASSERT_TRUE(after.Send(Get("/part")));
  auto r = after.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, small_content_.substr(100, 1000));
}

}  // namespace
}  // namespace noisett::http
