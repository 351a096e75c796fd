// A tiny HTTP/1.1 server on 127.0.0.1 for tests that need a real remote end (JWKS and OpenID
// discovery documents, later any other GET): an ephemeral port, one thread, one request per
// connection (Connection: close), a body per path that the test can change at any time, and a
// per-path hit counter so a test can assert how often the code under test fetched.
//
//   noisett::testing::LoopbackHttpServer server;
//   server.SetBody("/keys", jwks_json);
//   ... MakeUrlJwksSource(server.Url("/keys")) ...
//   EXPECT_EQ(server.Hits("/keys"), 1);
//   server.Stop();  // connections to the port are now refused: "the server is down"
//
// Unknown paths get 404; only the path (without a query string) selects the body.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace noisett::testing {

class LoopbackHttpServer {
 public:
  // Binds 127.0.0.1 on a port the kernel picks and starts serving. Aborts the test binary (with a
  // message) when it cannot: every test using it would fail anyway.
  LoopbackHttpServer();
  ~LoopbackHttpServer();  // Stop()
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" and "http://127.0.0.1:PORT/path".
  std::string BaseUrl() const;
  std::string Url(std::string_view path) const;

  // What GET `path` answers from now on.
  void SetBody(const std::string& path, std::string body, int status = 200,
               std::string content_type = "application/json");
  // GET `path` answers 404 from now on.
  void RemovePath(const std::string& path);
  // Every response waits this long before it is written (to make concurrent callers meet).
  void SetResponseDelay(std::chrono::milliseconds delay);

  // Requests received for `path` (whatever was answered), and for all paths.
  int Hits(const std::string& path) const;
  int TotalHits() const;
  void ResetHits();

  // Closes the listening socket and joins the thread: afterwards connecting to port() is refused.
  // Idempotent.
  void Stop();
  // Listens again on the same port (the server "comes back"). False when the port was taken
  // meanwhile.
  bool Restart();
  bool running() const { return running_.load(); }

 private:
  struct Response {
    int status = 200;
    std::string content_type;
    std::string body;
  };

  bool Listen(uint16_t port);
  void Serve();
  void HandleConnection(int fd);
  Response Lookup(const std::string& path);
  bool WaitForStop(std::chrono::milliseconds delay);

  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};  // written by Stop() so the thread leaves poll() at once
  std::atomic<bool> running_{false};
  std::thread thread_;

  mutable std::mutex mu_;  // guards everything below
  std::map<std::string, Response, std::less<>> responses_;
  std::map<std::string, int, std::less<>> hits_;
  int total_hits_ = 0;
  std::chrono::milliseconds delay_{0};
};

}  // namespace noisett::testing
