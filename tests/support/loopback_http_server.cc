// POSIX sockets and poll(); a self-pipe wakes the serving thread for Stop() so shutdown never
// waits on a timeout. Requests are served one at a time on the thread: tests need determinism
// (a hit is counted before its response is written, so a client that got its answer always sees
// the counter already moved), not throughput.
#include "support/loopback_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace noisett::testing {
namespace {

constexpr size_t kMaxRequestBytes = 64 * 1024;
constexpr int kReadTimeoutMs = 5000;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "LoopbackHttpServer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

std::string_view StatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away; nothing to tell it
    data.remove_prefix(size_t(n));
  }
}

// "GET /keys?x=1 HTTP/1.1" -> "/keys"; empty when the request line is not one.
std::string RequestPath(std::string_view request) {
  const size_t line_end = request.find("\r\n");
  const std::string_view line = request.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return "";
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return "";
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  target = target.substr(0, target.find('?'));
  return std::string(target);
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer() {
  if (!Listen(0)) Die("cannot listen on 127.0.0.1");
}

LoopbackHttpServer::~LoopbackHttpServer() { Stop(); }

std::string LoopbackHttpServer::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string LoopbackHttpServer::Url(std::string_view path) const {
  return BaseUrl() + std::string(path);
}

void LoopbackHttpServer::SetBody(const std::string& path, std::string body, int status,
                                 std::string content_type) {
  std::lock_guard<std::mutex> lock(mu_);
  responses_[path] = Response{status, std::move(content_type), std::move(body)};
}

void LoopbackHttpServer::RemovePath(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  responses_.erase(path);
}

void LoopbackHttpServer::SetResponseDelay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ = delay;
}

int LoopbackHttpServer::Hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

int LoopbackHttpServer::TotalHits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_hits_;
}

void LoopbackHttpServer::ResetHits() {
  std::lock_guard<std::mutex> lock(mu_);
  hits_.clear();
  total_hits_ = 0;
}

bool LoopbackHttpServer::Listen(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  // Restart() binds the old port again, which may still have connections in TIME_WAIT.
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return false;
  }
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    ::close(fd);
    return false;
  }
  listen_fd_ = fd;
  port_ = ntohs(addr.sin_port);
  running_ = true;
  thread_ = std::thread([this] { Serve(); });
  return true;
}

void LoopbackHttpServer::Stop() {
  if (!running_.exchange(false)) return;
  const char byte = 'x';
  while (::write(wake_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
  listen_fd_ = -1;
  wake_pipe_[0] = wake_pipe_[1] = -1;
}

bool LoopbackHttpServer::Restart() {
  if (running_) return true;
  return Listen(port_);
}

void LoopbackHttpServer::Serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    const int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    ::close(fd);
  }
}

bool LoopbackHttpServer::WaitForStop(std::chrono::milliseconds delay) {
  pollfd wake{wake_pipe_[0], POLLIN, 0};
  return ::poll(&wake, 1, int(delay.count())) > 0;
}

void LoopbackHttpServer::HandleConnection(int fd) {
  // Read the request head (a GET has no body worth reading); give up on a silent client.
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < kMaxRequestBytes) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, kReadTimeoutMs) <= 0 || (fds[1].revents & POLLIN) != 0) return;
    const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
    request.append(buf, size_t(got));
  }
  const std::string path = RequestPath(request);
  std::chrono::milliseconds delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++hits_[path];
    ++total_hits_;
    delay = delay_;
  }
  if (delay.count() > 0 && WaitForStop(delay)) return;
  const Response response = Lookup(path);
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     std::string(StatusText(response.status)) + "\r\n";
  head += "Content-Type: " + response.content_type + "\r\n";
  head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  head += "Connection: close\r\n\r\n";
  SendAll(fd, head);
  SendAll(fd, response.body);
  ::shutdown(fd, SHUT_WR);
}

LoopbackHttpServer::Response LoopbackHttpServer::Lookup(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = responses_.find(path);
  if (it == responses_.end()) return Response{404, "text/plain", "not found\n"};
  return it->second;
}

}  // namespace noisett::testing
