// SIGTERM under load. Uploads are caught mid-body when the signal arrives (their headers read,
// half the image still to come), while other clients keep hammering the server. Every request in
// flight must finish with its 201; connections after the signal are refused at connect (or closed
// unanswered), never answered with a half response; the process exits 0; after a restart on the
// same data every acknowledged upload is in history and fsck is clean.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "faults/fault_fixture.h"

namespace noisett::faults {
namespace {

// One upload on its own connection, sent in two parts so the test decides when it is in flight.
class SplitUpload {
 public:
  SplitUpload(uint16_t port, const std::string& token, std::string png) : png_(std::move(png)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    head_ =
        "POST /api/images?prompt=in-flight HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
        "Bearer " +
        token + "\r\nContent-Type: image/png\r\nContent-Length: " + std::to_string(png_.size()) +
        "\r\nConnection: close\r\n\r\n";
  }
  ~SplitUpload() { ::close(fd_); }

  bool connected() const { return connected_; }
  // The head and the first half of the body.
  bool SendFirstHalf() { return Write(head_ + png_.substr(0, png_.size() / 2)); }
  // The rest of the body, then everything the server answers until it closes.
  RawResponse Finish() {
    RawResponse r;
    if (!Write(png_.substr(png_.size() / 2))) return r;
    std::string raw;
    char buf[16384];
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, 30000) > 0) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      raw.append(buf, static_cast<size_t>(n));
    }
    const size_t end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
    r.status = std::atoi(raw.c_str() + 9);
    r.body = raw.substr(end + 4);
    return r;
  }

 private:
  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string png_, head_;
};

bool ConnectRefused(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool refused = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0;
  ::close(fd);
  return refused;
}

using SigtermTest = FaultsTest;

TEST_F(SigtermTest, InFlightRequestsFinishNewOnesAreRefusedExitIsZero) {
  ASSERT_EQ(StartServer(), "");
  const std::string alice = DevToken("alice");
  const uint16_t port = noisett_->port();

  // Background load: history reads and small uploads until the server is gone. Every answer
  // must be whole and successful; a request the stop caught before it was read gets none.
  std::atomic<bool> stop_load{false};
  std::atomic<int> answered{0}, unanswered{0}, bad{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      const std::string png = Png(64, 48);
      while (!stop_load) {
        const RawResponse r =
            t % 2 == 0 ? Call("GET", "/api/history?limit=5", alice) : Upload(alice, png);
        if (r.status == 0) {
          ++unanswered;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } else if (r.status == 200 || r.status == 201) {
          ++answered;
        } else {
          ++bad;
        }
      }
    });
  }

  std::vector<std::unique_ptr<SplitUpload>> in_flight;
  for (int i = 0; i < 4; ++i) {
    in_flight.push_back(std::make_unique<SplitUpload>(port, alice, Png(800, 600)));
    ASSERT_TRUE(in_flight.back()->connected());
    ASSERT_TRUE(in_flight.back()->SendFirstHalf());
  }
  // Time for the server to read their heads (generous for a sanitizer build on a busy machine):
  // from then on they are requests in flight, not idle connections a stop may close.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  noisett_->process().SendTerm();
  EXPECT_TRUE(WaitFor([&] { return ConnectRefused(port); }, std::chrono::seconds(5)))
      << "new connections are still accepted after SIGTERM";

  std::vector<std::string> acknowledged;
  for (auto& upload : in_flight) {
    const RawResponse r = upload->Finish();
    EXPECT_EQ(r.status, 201) << "an upload in flight at SIGTERM did not finish: " << r.body;
    if (r.status == 201) acknowledged.push_back(JobId(r));
  }
  EXPECT_EQ(noisett_->Stop(), 0) << noisett_->process().Log();
  stop_load = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(bad.load(), 0) << "a request got an error or a half answer during the stop";
  EXPECT_GT(answered.load(), 0);
  EXPECT_GT(unanswered.load(), 0) << "the load never saw the server go";

  // Same data, new process: every acknowledged upload is there, whole.
  ASSERT_EQ(StartServer(), "");
  const std::vector<std::string> ids = HistoryIds(alice);
  for (const std::string& job : acknowledged) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), job), ids.end()) << job << " was lost";
  }
  const FsckResult fsck = Fsck();
  EXPECT_EQ(fsck.status, 0) << fsck.report.dump() << fsck.err;
}

}  // namespace
}  // namespace noisett::faults
