// Loopback helpers for the server tests: a server running on its own thread, and a raw-socket
// HTTP/1.1 client that can send exactly the bytes a test wants (half a header, a lying
// Content-Length) and read exactly one response. Raw POSIX sockets on purpose: no Beast in tests.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "http/server.h"

namespace noisett::http::testing {

struct ParsedResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// A connected socket; closed on destruction.
class Conn final {
 public:
  explicit Conn(uint16_t port, int recv_timeout_ms = 5000);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // One response (headers, then Content-Length bytes unless `head`); nullopt on EOF or timeout.
  std::optional<ParsedResponse> Read(bool head = false);
  // After Read(/*head=*/true) of a chunked response: the data of its next chunk, "" for the last
  // one (no trailers expected); nullopt on EOF, timeout or a malformed size line.
  std::optional<std::string> ReadChunk();
  // The bytes up to EOF (a close-delimited body); nullopt on a timeout first.
  std::optional<std::string> ReadToEnd();
  // True when the server closes the connection (EOF or reset) within `timeout_ms`.
  bool WaitClosed(int timeout_ms);

 private:
  bool Fill();  // one recv into pending_: false on EOF, error or timeout

  int fd_ = -1;
  std::string pending_;  // bytes read past the previous response
};

// A Server on 127.0.0.1:0 running on a background thread; Stop()s and joins on destruction.
class RunningServer final {
 public:
  RunningServer(ServerOptions options, Handler handler);
  ~RunningServer();
  uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  // Stops and waits for Run() to return.
  void StopAndJoin();

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

// A Handler from plain functions, as the server tests write them: each request's exchange asks
// `lane` (empty: kWorkers) once from the head, `admit_body` (empty: read every body) before a
// large body, and `handle` for the answer.
Handler FunctionHandler(
    std::function<HttpResponse(const HttpRequest&)> handle,
    std::function<Lane(const HttpRequest&)> lane = {},
    std::function<std::optional<HttpResponse>(const HttpRequest&)> admit_body = {});

// "GET /path HTTP/1.1\r\nHost: t\r\n<extra>\r\n" (extra: already \r\n-terminated lines).
std::string Get(std::string_view target, std::string_view extra = "");

}  // namespace noisett::http::testing
