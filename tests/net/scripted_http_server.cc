// POSIX sockets and poll(). Every wait also watches a self-pipe, so Stop() interrupts a stall or
// an endless body at once, and the client's socket, so a client that gave up ends the script.
#include "net/scripted_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace noisett::testing {
namespace {

constexpr size_t kMaxRequestBytes = 64 * 1024;
constexpr int kReadTimeoutMs = 5000;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "ScriptedHttpServer: %s: %s\n", what.c_str(), std::strerror(errno));
  std::abort();
}

// "GET /a?x=1 HTTP/1.1" -> "/a"; empty when the request line is not one.
std::string RequestPath(std::string_view request) {
  const std::string_view line = request.substr(0, request.find("\r\n"));
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return "";
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return "";
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  return std::string(target.substr(0, target.find('?')));
}

std::string Head(int status, const std::string& extra) {
  return "HTTP/1.1 " + std::to_string(status) + " Scripted\r\nConnection: close\r\n" + extra +
         "\r\n";
}

}  // namespace

ScriptedHttpServer::ScriptedHttpServer(std::string ip) : ip_(std::move(ip)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip_.c_str(), &addr.sin_addr) != 1) Die("bad address " + ip_);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die("cannot listen on " + ip_);
  }
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) Die("pipe");
  port_ = ntohs(addr.sin_port);
  running_ = true;
  thread_ = std::thread([this] { Serve(); });
}

ScriptedHttpServer::~ScriptedHttpServer() { Stop(); }

void ScriptedHttpServer::Stop() {
  if (!running_.exchange(false)) return;
  const char byte = 'x';
  while (::write(wake_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string ScriptedHttpServer::Url(std::string_view path) const {
  return "http://" + ip_ + ":" + std::to_string(port_) + std::string(path);
}

void ScriptedHttpServer::Set(const std::string& path, Script script) {
  std::lock_guard<std::mutex> lock(mu_);
  script.delay = scripts_[path].delay;
  scripts_[path] = std::move(script);
}

void ScriptedHttpServer::Delay(const std::string& path, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_[path].delay = delay;
}

void ScriptedHttpServer::Body(const std::string& path, std::string body, std::string content_type,
                              int status) {
  Script s;
  s.status = status;
  s.content_type = std::move(content_type);
  s.body = std::move(body);
  Set(path, std::move(s));
}

void ScriptedHttpServer::Redirect(const std::string& path, std::string location, int status) {
  Script s;
  s.kind = Kind::kRedirect;
  s.status = status;
  s.body = std::move(location);
  Set(path, std::move(s));
}

void ScriptedHttpServer::Stall(const std::string& path) {
  Script s;
  s.kind = Kind::kStall;
  Set(path, std::move(s));
}

void ScriptedHttpServer::Drip(const std::string& path, std::chrono::milliseconds interval) {
  Script s;
  s.kind = Kind::kDrip;
  s.interval = interval;
  Set(path, std::move(s));
}

void ScriptedHttpServer::Endless(const std::string& path) {
  Script s;
  s.kind = Kind::kEndless;
  Set(path, std::move(s));
}

void ScriptedHttpServer::HugeLength(const std::string& path, uint64_t length) {
  Script s;
  s.kind = Kind::kHugeLength;
  s.length = length;
  Set(path, std::move(s));
}

void ScriptedHttpServer::HugeHeader(const std::string& path, uint64_t total, uint64_t line) {
  Script s;
  s.kind = Kind::kHugeHeader;
  s.length = total;
  s.line = line;
  Set(path, std::move(s));
}

int ScriptedHttpServer::Hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

void ScriptedHttpServer::Serve() {
  while (running_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    ::close(fd);
  }
}

bool ScriptedHttpServer::Wait(int fd, int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  bool watch_client = true;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {fd, POLLIN, 0}};
    const int n = ::poll(fds, watch_client ? 2 : 1, int(left.count()));
    if (n < 0 && errno != EINTR) return false;
    if (n <= 0) continue;
    if (fds[0].revents != 0) return false;
    char byte;
    // Readable: the client closed (0) or sent more than we read (then stop watching it).
    if (::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) return false;
    watch_client = false;
  }
}

bool ScriptedHttpServer::SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, kReadTimeoutMs) <= 0 || fds[1].revents != 0) return false;
    if ((fds[0].revents & (POLLERR | POLLHUP)) != 0) return false;
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    data.remove_prefix(size_t(n));
  }
  return true;
}

void ScriptedHttpServer::Handle(int fd) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < kMaxRequestBytes) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, kReadTimeoutMs) <= 0 || fds[1].revents != 0) return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    request.append(buf, size_t(n));
  }
  const std::string path = RequestPath(request);
  Script script;
  script.status = 404;
  script.content_type = "text/plain";
  script.body = "no such path";
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++hits_[path];
    if (auto it = scripts_.find(path); it != scripts_.end()) script = it->second;
  }
  Play(fd, script);
}

void ScriptedHttpServer::Play(int fd, const Script& s) {
  if (s.delay.count() > 0 && !Wait(fd, int(s.delay.count()))) return;
  switch (s.kind) {
    case Kind::kBody:
      SendAll(fd, Head(s.status, "Content-Type: " + s.content_type + "\r\nContent-Length: " +
                                     std::to_string(s.body.size()) + "\r\n") +
                      s.body);
      return;
    case Kind::kRedirect:
      SendAll(fd, Head(s.status, "Location: " + s.body + "\r\nContent-Length: 0\r\n"));
      return;
    case Kind::kStall:
      while (Wait(fd, 50)) {
      }
      return;
    case Kind::kDrip:
      if (!SendAll(fd, Head(200, "Content-Type: image/png\r\nContent-Length: 4096\r\n"))) return;
      while (Wait(fd, int(s.interval.count())) && SendAll(fd, "x")) {
      }
      return;
    case Kind::kEndless: {
      if (!SendAll(fd, Head(200, "Content-Type: image/png\r\n"))) return;
      const std::string chunk(16 * 1024, 'x');
      while (SendAll(fd, chunk)) {
      }
      return;
    }
    case Kind::kHugeHeader: {
      std::string filler;
      const uint64_t line = std::max<uint64_t>(1, s.line);
      for (uint64_t sent = 0, n = 0; sent < s.length; sent += line, ++n) {
        filler += "X-Filler-" + std::to_string(n) + ": " +
                  std::string(size_t(std::min(line, s.length - sent)), 'a') + "\r\n";
      }
      SendAll(fd, Head(200, filler + "Content-Type: image/png\r\nContent-Length: 3\r\n") + "PNG");
      return;
    }
    case Kind::kHugeLength:
      if (!SendAll(fd, Head(200, "Content-Type: image/png\r\nContent-Length: " +
                                     std::to_string(s.length) + "\r\n") +
                            "xxxx")) {
        return;
      }
      while (Wait(fd, 50)) {
      }
      return;
  }
}

}  // namespace noisett::testing
