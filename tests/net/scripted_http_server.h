// A loopback HTTP/1.1 server for SafeFetch's tests, scripted per path to misbehave the way a
// hostile or broken remote end would: redirect, stall, drip bytes, never end the body, announce
// a huge Content-Length. Binds a chosen loopback address (127.0.0.1, 127.0.0.2, ...) on an
// ephemeral port; one thread, one connection at a time, Connection: close.
//
//   ScriptedHttpServer server("127.0.0.2");
//   server.Redirect("/a", "http://127.0.0.1:1/b");
//   server.Endless("/forever");
//   ... SafeFetch(server.Url("/a"), policy) ...
//
// Unknown paths get 404. Stop() (also the destructor) ends even a connection in the middle of a
// stall or an endless body at once.
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

class ScriptedHttpServer {
 public:
  // Aborts the test binary when `ip` cannot be bound: every test using it would fail anyway.
  explicit ScriptedHttpServer(std::string ip = "127.0.0.1");
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // "http://IP:PORT/path".
  std::string Url(std::string_view path) const;

  // `status` with `body` and a Content-Length.
  void Body(const std::string& path, std::string body, std::string content_type = "image/png",
            int status = 200);
  // `status` (301, 302, 307...) with Location: `location` (relative or absolute, as given).
  void Redirect(const std::string& path, std::string location, int status = 302);
  // Reads the request, then sends nothing until the client leaves.
  void Stall(const std::string& path);
  // Headers at once (Content-Length 4096), then one byte every `interval`.
  void Drip(const std::string& path, std::chrono::milliseconds interval);
  // 200 without Content-Length, bytes until the client leaves.
  void Endless(const std::string& path);
  // 200 announcing Content-Length `length`, then a few bytes, then waits for the client to leave.
  void HugeLength(const std::string& path, uint64_t length);

  // 200 whose header section carries `total` bytes of filler in header lines of at most
  // `line` bytes each ("X-Filler-N: aaaa..."), then a short body.
  void HugeHeader(const std::string& path, uint64_t total, uint64_t line);

  // `path`'s answer, whatever it is, starts only after `delay` (a slow server).
  void Delay(const std::string& path, std::chrono::milliseconds delay);

  // Requests received for `path`.
  int Hits(const std::string& path) const;

  void Stop();  // idempotent

 private:
  enum class Kind { kBody, kRedirect, kStall, kDrip, kEndless, kHugeLength, kHugeHeader };
  struct Script {
    Kind kind = Kind::kBody;
    int status = 200;
    std::string content_type;
    std::string body;  // or the Location
    std::chrono::milliseconds interval{0};
    uint64_t length = 0;
    uint64_t line = 0;  // kHugeHeader: bytes of filler per header line
    std::chrono::milliseconds delay{0};
  };

  void Set(const std::string& path, Script script);
  void Serve();
  void Handle(int fd);
  void Play(int fd, const Script& script);
  // Waits up to `ms` for Stop() or the client leaving; false when either happened.
  bool Wait(int fd, int ms);
  // False when the client left or Stop() came first.
  bool SendAll(int fd, std::string_view data);

  std::string ip_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::atomic<bool> running_{false};
  std::thread thread_;

  mutable std::mutex mu_;  // guards scripts_ and hits_
  std::map<std::string, Script, std::less<>> scripts_;
  std::map<std::string, int, std::less<>> hits_;
};

}  // namespace noisett::testing
