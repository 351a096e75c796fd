// The access-log line: fields, sanitizing, and no query (link signatures) in it; the AccessLog's
// buffering: every line arrives whole and once, within about a second or at destruction.
#include "http/access_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace noisett::http {
namespace {

TEST(AccessLogTest, OneLineWithTheFields) {
  AccessEntry e;
  e.request_id = "abc";
  e.method = "GET";
  e.path = "/blobs/c/x.jpg?sig=SECRETSIG&se=2030";
  e.route = "/blobs/*";
  e.status = 200;
  e.bytes_in = 0;
  e.bytes_out = 42;
  e.latency_ms = 1.5;
  e.remote = "127.0.0.1:5000";
  e.user = "alice";
  std::string line = FormatAccessLine(e);
  EXPECT_EQ(line,
            "access id=abc method=GET path=/blobs/c/x.jpg route=/blobs/* status=200 bytes_in=0 "
            "bytes_out=42 ms=1.50 remote=127.0.0.1:5000 user=alice");
  EXPECT_EQ(line.find("SECRETSIG"), std::string::npos);
}

TEST(AccessLogTest, ClientBytesCannotForgeFieldsOrLines) {
  AccessEntry e;
  e.method = "GET";
  e.path = "/x\r\naccess id=forged status=200\" user=\\admin";
  e.error = "bad path";
  std::string line = FormatAccessLine(e);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_NE(line.find("path=\"/x\\x0d\\x0aaccess id=forged status=200\\x22 user=\\x5cadmin\""),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("error=\"bad path\""), std::string::npos);
  EXPECT_NE(line.find("user=-"), std::string::npos);
}

TEST(AccessLogTest, ValuesAreCutAfter256BytesOnEitherSideOfTheQuickPath) {
  // A line whose values need no quote nor escape is written in one go; any other value by value.
  // Both write the same thing.
  AccessEntry e;
  e.request_id = "r";
  e.method = "GET";
  const std::string at_limit = "/" + std::string(255, 'a');
  e.path = at_limit;
  EXPECT_NE(FormatAccessLine(e).find(" path=" + at_limit + " route=-"), std::string::npos);
  const std::string past = at_limit + "b";
  e.path = past;
  EXPECT_NE(FormatAccessLine(e).find(" path=" + at_limit + "... route=-"), std::string::npos);
  e.path = at_limit;
  e.user = "a b";  // the quoted value takes the careful way for the whole line
  const std::string careful = FormatAccessLine(e);
  EXPECT_NE(careful.find(" path=" + at_limit + " route=-"), std::string::npos) << careful;
  EXPECT_NE(careful.find(" user=\"a b\""), std::string::npos) << careful;
  e.user = "";
  EXPECT_EQ(FormatAccessLine(e),
            "access id=r method=GET path=" + at_limit +
                " route=- status=0 bytes_in=0 bytes_out=0 ms=0.00 remote=- user=-");
}

TEST(AccessLogTest, LongValuesAreCut) {
  AccessEntry e;
  const std::string path = "/" + std::string(1000, 'a');
  e.path = path;
  EXPECT_LT(FormatAccessLine(e).size(), 500u);
}

// Captures what reaches the log while it lives.
class CapturedLog {
 public:
  CapturedLog() {
    previous_ = SetLogSink([this](LogLevel level, std::string_view message) {
      std::lock_guard lock(mu_);
      if (level == LogLevel::kInfo) lines_.emplace_back(message);
    });
  }
  ~CapturedLog() { SetLogSink(std::move(previous_)); }
  std::vector<std::string> lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  LogSink previous_;
  std::mutex mu_;
  std::vector<std::string> lines_;
};

AccessEntry Entry(const std::string& id) {
  AccessEntry e;
  e.request_id = id;
  e.method = "GET";
  e.path = "/p";
  e.status = 200;
  return e;
}

TEST(AccessLogBufferTest, LinesArriveWithinAboutASecondWithoutAFlush) {
  CapturedLog captured;
  AccessLog log;
  log.Write(Entry("one"));
  EXPECT_TRUE(captured.lines().empty());  // buffered, not written per request
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (captured.lines().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(captured.lines().size(), 1u);
  EXPECT_EQ(captured.lines()[0].rfind("access id=one method=GET path=/p ", 0), 0u)
      << captured.lines()[0];
}

TEST(AccessLogBufferTest, EveryLineOfManyThreadsArrivesWholeAndOnce) {
  CapturedLog captured;
  constexpr int kThreads = 4, kLines = 3000;  // past the 64 KiB a buffer writes by itself
  {
    AccessLog log;
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          log.Write(Entry(std::to_string(t) + "-" + std::to_string(i)));
        }
      });
    }
    for (auto& w : writers) w.join();
  }  // the rest goes at destruction
  std::set<std::string> ids;
  for (const std::string& line : captured.lines()) {
    ASSERT_EQ(line.rfind("access id=", 0), 0u) << line;
    ASSERT_NE(line.find(" user=-"), std::string::npos) << line;  // the line's end is there
    ids.insert(line.substr(10, line.find(' ', 10) - 10));
  }
  EXPECT_EQ(captured.lines().size(), size_t(kThreads * kLines));
  EXPECT_EQ(ids.size(), size_t(kThreads * kLines));
}

TEST(AccessLogBufferTest, LinesBelowTheLogLevelAreDropped) {
  CapturedLog captured;
  SetLogLevel(LogLevel::kWarn);
  {
    AccessLog log;
    log.Write(Entry("quiet"));
  }
  SetLogLevel(LogLevel::kInfo);
  EXPECT_TRUE(captured.lines().empty());
}

}  // namespace
}  // namespace noisett::http
