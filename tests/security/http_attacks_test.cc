// Attacks on the HTTP layer of a real `noisett serve`: 10,000 idle and slow-loris connections held
// open while real clients must still be served, an oversized header, and very long paths and
// arguments in every parameter. The in-process limits (slow loris cut off by the read timeout,
// idle timeout, chunked body past the limit, 413 before the body) are proven with short timeouts
// in tests/http/server_limits_test.cc; the end-to-end 413s in tests/service/request_safety_test.cc.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

constexpr int kHeldConnections = 10'000;
constexpr rlim_t kTestersOwnFiles = 256;  // descriptors the test needs besides the held ones

// The soft and hard "Max open files" of process `pid`, from /proc/PID/limits.
std::pair<uint64_t, uint64_t> OpenFileLimits(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(14));
    uint64_t soft = 0, hard = 0;
    fields >> soft >> hard;
    return {soft, hard};
  }
  return {0, 0};
}

size_t OpenDescriptors(pid_t pid) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// A non-blocking connection to the server that the test holds and never reads from.
int OpenHeld(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The test's side of the flood; every socket closed however the test ends.
struct HeldConnections {
  std::vector<int> fds;
  ~HeldConnections() {
    for (int fd : fds) ::close(fd);
  }
};

class HttpAttackTest : public E2eTest {
 public:
  // The server starts under the common default soft limit of 1024 open files: it must raise its
  // own limit (or fit its connection cap under it), not rely on whoever started it.
  static void SetUpTestSuite() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    rlimit low = limit;
    low.rlim_cur = std::min<rlim_t>(limit.rlim_cur, 1024);
    ::setrlimit(RLIMIT_NOFILE, &low);
    E2eTest::SetUpTestSuite();
    limit.rlim_cur = limit.rlim_max;  // the test itself needs room for its 10,000 sockets
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }

 protected:
  // A real client's read; a short timeout so a locked-out server fails the test quickly.
  static RawResponse History() {
    RawRequest request;
    request.target = "/api/history?limit=1";
    request.headers = {{"Authorization", "Bearer " + alice_}};
    return Send(request, /*timeout_ms=*/5000);
  }
};

TEST_F(HttpAttackTest, TenThousandIdleConnectionsDoNotLockOutRealClients) {
  rlimit mine{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &mine), 0);
  const int held_target = static_cast<int>(std::min<rlim_t>(
      kHeldConnections, mine.rlim_cur > kTestersOwnFiles ? mine.rlim_cur - kTestersOwnFiles : 0));
  ASSERT_GE(held_target, 2000) << "RLIMIT_NOFILE hard limit " << mine.rlim_max
                               << " is too low to try the attack";
  if (held_target < kHeldConnections) {
    std::cout << "[ note ] holding " << held_target << " connections (hard limit " << mine.rlim_max
              << ")\n";
  }
  const pid_t pid = noisett().process().pid();
  const auto [soft, hard] = OpenFileLimits(pid);
  EXPECT_EQ(soft, hard) << "the server did not raise its own open-file limit";
  const Json up = Upload(alice_, Png(32, 32));
  const std::string link = up["image"].value("url", "");

  HeldConnections held;
  held.fds.reserve(held_target);
  int served_during = 0, tried_during = 0;
  for (int i = 0; i < held_target; ++i) {
    const int fd = OpenHeld(port());
    ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
    held.fds.push_back(fd);
    // Every other one is a slow loris: half a header, never finished.
    if (i % 2 == 1)
      (void)::send(fd, "GET /api/history HTTP/1.1\r\nHost: x\r\nX-A: ", 41, MSG_NOSIGNAL);
    if (i % 1000 == 999) {
      ++tried_during;
      served_during += History().status == 200;
    }
  }
  EXPECT_EQ(served_during, tried_during) << "real requests refused while the flood was building";
  // All of them held: real clients are still served, reads and writes alike.
  for (int i = 0; i < 10; ++i) {
    const RawResponse r = History();
    EXPECT_EQ(r.status, 200) << i << ": " << r.status << " " << r.body;
  }
  EXPECT_EQ(FetchLink(link).status, 200);
  const Json again = Upload(alice_, Png(24, 24));
  EXPECT_EQ(again.value("image_index", -1), 0);
  // The server keeps a bounded number of descriptors, well under its limit.
  const size_t fds = OpenDescriptors(pid);
  EXPECT_LT(fds, 1024u + 512u) << "descriptors open in the server while flooded";
  EXPECT_LT(fds, soft);
  std::cout << "[ note ] " << held.fds.size() << " connections held; server holds " << fds
            << " descriptors (its limit " << soft << ")\n";
  ASSERT_TRUE(noisett().process().running()) << noisett().process().Log();
}

TEST_F(HttpAttackTest, OversizedHeaderIs431AndTheServerCarriesOn) {
  RawRequest request;
  request.target = "/api/history";
  request.headers = {{"Authorization", "Bearer " + alice_}, {"X-Pad", std::string(20000, 'p')}};
  RawResponse r = Send(request);
  EXPECT_EQ(r.status, 431) << r.body;
  EXPECT_EQ(ErrorCode(r), "header_too_large");
  // Many small headers adding up past the limit, and one huge request line.
  request.headers = {{"Authorization", "Bearer " + alice_}};
  for (int i = 0; i < 400; ++i)
    request.headers.push_back(
        {"X-H" + std::to_string(i), "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"});
  r = Send(request);
  EXPECT_EQ(r.status, 431) << r.body;
  EXPECT_EQ(ErrorCode(r), "header_too_large");
  r = Call("GET", "/api/history/" + std::string(64 * 1024, 'A'), alice_);
  EXPECT_EQ(r.status, 431) << r.body;
  EXPECT_EQ(ErrorCode(r), "header_too_large");
  EXPECT_EQ(History().status, 200);
}

TEST_F(HttpAttackTest, VeryLongValuesInEveryParameterAreRefused) {
  const std::string job = Upload(alice_, Png(16, 16)).value("job_id", "");
  const std::string longer(8000, 'A');
  const std::string dots = [] {
    std::string s;
    for (int i = 0; i < 1500; ++i) s += "../";
    return s;
  }();
  struct Case {
    std::string method, target, body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/history/" + longer, "", 400, "bad_input"},
      {"DELETE", "/api/history/" + longer, "", 400, "bad_input"},
      {"GET", "/api/images/" + job + "/" + longer + "/url", "", 400, "bad_input"},
      {"PUT", "/api/favorites/" + job + "/" + longer, "", 400, "bad_input"},
      {"POST", "/api/commands/" + longer, "{}", 404, "unknown_command"},
      {"GET", "/api/history?limit=1&cursor=" + longer, "", 400, "bad_input"},
      {"GET", "/api/history/" + dots + "etc/passwd", "", 400, "bad_path"},
      {"POST", "/api/commands/history.get", Json{{"job_id", longer}}.dump(), 400, "bad_input"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target.substr(0, 60) + " " + c.body.substr(0, 40));
    const RawResponse r =
        Call(c.method, c.target, alice_, c.body, c.body.empty() ? "" : "application/json");
    EXPECT_EQ(r.status, c.status) << r.body.substr(0, 300);
    EXPECT_EQ(ErrorCode(r), c.code) << r.body.substr(0, 300);
  }
  // A blob path of 8000 characters, with and without a real link's signature.
  const std::string url = Upload(alice_, Png(16, 16))["image"].value("url", "");
  const std::string query = url.substr(url.find('?'));
  for (const std::string& target : {"/blobs/" + std::string(kContainer) + "/" + longer + query,
                                    "/blobs/" + std::string(kContainer) + "/" + dots + query}) {
    const RawResponse r = FetchLink(target);
    // Refused by the path check, before the link or the store is looked at.
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
    EXPECT_EQ(ErrorCode(r), "bad_path") << r.body.substr(0, 300);
  }
  EXPECT_EQ(History().status, 200);
}

}  // namespace
}  // namespace noisett::service_e2e
