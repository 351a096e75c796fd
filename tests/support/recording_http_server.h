// A loopback HTTP/1.1 server that records every request whole (method, target, headers, body) and
// answers from a test-supplied function. For tests that check the exact requests a client sends
// (Azure REST calls Azurite cannot take, IMDS and token endpoints, retries after failures).
//
//   noisett::testing::RecordingHttpServer server([](const RecordedRequest& r) {
//     if (r.Header("metadata") != "true") return Reply{400, {}, "no Metadata header"};
//     return Reply{200, {{"Content-Type", "application/json"}}, R"({"access_token":"t"})"};
//   });
//   ... client calls server.Url("/metadata/identity/oauth2/token") ...
//   EXPECT_EQ(server.Requests().size(), 1u);
//
// Keep-alive is supported (a client's connection reuse works); each connection has its own
// thread, so the handler may run on several threads at once and must be thread-safe. Bodies may
// come with Content-Length or chunked; "Expect: 100-continue" is answered. A Reply with status 0
// closes the connection without answering (a network error as the client sees it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace noisett::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // as sent: path and query, percent-encoding untouched
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, in order
  std::string body;
  int connection = 0;  // which accepted connection carried it (1, 2, ...): shows reuse

  std::string Path() const;   // target before '?'
  std::string Query() const;  // target after '?', "" when none
  // The value of the first header named `name` (case-insensitive); "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct Reply {
  int status = 200;  // 0: close the connection without a response
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
};

class RecordingHttpServer {
 public:
  using Handler = std::function<Reply(const RecordedRequest&)>;

  // Binds 127.0.0.1 on an ephemeral port and starts serving; aborts the binary when it cannot.
  explicit RecordingHttpServer(Handler handler);
  ~RecordingHttpServer();  // Stop()
  RecordingHttpServer(const RecordingHttpServer&) = delete;
  RecordingHttpServer& operator=(const RecordingHttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::string BaseUrl() const;                 // "http://127.0.0.1:PORT"
  std::string Url(std::string_view path) const;  // BaseUrl() + path

  void SetHandler(Handler handler);   // from now on
  std::vector<RecordedRequest> Requests() const;  // every request so far, in arrival order
  void ClearRequests();
  int Connections() const;  // connections accepted so far

  void Stop();  // idempotent; the port refuses connections afterwards

 private:
  void Serve();
  void ServeConnection(int fd, int connection);

  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::atomic<bool> running_{false};
  std::thread thread_;

  mutable std::mutex mu_;  // guards everything below
  Handler handler_;
  std::vector<RecordedRequest> requests_;
  int connections_ = 0;
};

}  // namespace noisett::testing
