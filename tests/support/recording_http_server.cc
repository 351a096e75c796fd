// POSIX sockets, one thread accepting and one thread per connection, so a client that keeps an
// idle connection in its pool never blocks another connection. Stop() shuts every socket down,
// which wakes each thread out of its blocking call, then joins them all.
#include "support/recording_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/text.h"

namespace noisett::testing {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 64 * 1024 * 1024;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "RecordingHttpServer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(size_t(n));
  }
  return true;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// Reads from a connection into a buffer; false when the peer closed or the server stops.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}

  // Fills buffer_ until it holds `needle`; its offset, or nullopt.
  std::optional<size_t> Until(std::string_view needle, size_t limit) {
    for (;;) {
      size_t at = buffer_.find(needle);
      if (at != std::string::npos) return at;
      if (buffer_.size() > limit || !More()) return std::nullopt;
    }
  }
  // Takes exactly n bytes from the front (reading more as needed).
  std::optional<std::string> Take(size_t n) {
    while (buffer_.size() < n) {
      if (!More()) return std::nullopt;
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }

 private:
  bool More() {
    char chunk[16384];
    for (;;) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buffer_.append(chunk, size_t(n));
      return true;
    }
  }
  int fd_;
  std::string buffer_;
};

// Parses "METHOD TARGET HTTP/1.1" and the header lines of a head (without the blank line).
bool ParseHead(std::string_view head, RecordedRequest& r) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view h = head.substr(0, eol);
    if (h.empty()) continue;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos) return false;
    r.headers.emplace_back(std::string(Trim(h.substr(0, colon))),
                           std::string(Trim(h.substr(colon + 1))));
  }
  return true;
}

// The body after the head: Content-Length or chunked. False on a broken or oversized body.
bool ReadBody(Reader& in, int fd, RecordedRequest& r) {
  if (EqualsIgnoreCase(r.Header("expect"), "100-continue") &&
      !SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
    return false;
  }
  if (EqualsIgnoreCase(r.Header("transfer-encoding"), "chunked")) {
    for (;;) {
      auto eol = in.Until("\r\n", 1024);
      if (!eol) return false;
      auto size_line = in.Take(*eol + 2);
      const size_t size = std::strtoul(size_line->c_str(), nullptr, 16);
      if (r.body.size() + size > kMaxBodyBytes) return false;
      auto data = in.Take(size + 2);
      if (!data) return false;
      if (size == 0) return true;
      r.body.append(*data, 0, size);
    }
  }
  const std::string length = r.Header("content-length");
  if (length.empty()) return true;
  const size_t n = std::strtoul(length.c_str(), nullptr, 10);
  if (n > kMaxBodyBytes) return false;
  auto body = in.Take(n);
  if (!body) return false;
  r.body = std::move(*body);
  return true;
}

std::string ResponseHead(const RecordedRequest& request, const Reply& reply) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(ReasonPhrase(reply.status)) + "\r\n";
  bool has_length = false;
  for (const auto& [name, value] : reply.headers) {
    has_length = has_length || EqualsIgnoreCase(name, "content-length");
    head += name + ": " + value + "\r\n";
  }
  // A HEAD reply may name the length of the body it does not send.
  if (!has_length) head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  if (EqualsIgnoreCase(request.Header("connection"), "close")) head += "Connection: close\r\n";
  return head + "\r\n";
}

}  // namespace

std::string RecordedRequest::Path() const { return target.substr(0, target.find('?')); }

std::string RecordedRequest::Query() const {
  const size_t q = target.find('?');
  return q == std::string::npos ? "" : target.substr(q + 1);
}

std::string RecordedRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

bool RecordedRequest::HasHeader(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
}

RecordingHttpServer::RecordingHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die("bind/listen on 127.0.0.1");
  }
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) Die("pipe2");
  port_ = ntohs(addr.sin_port);
  running_ = true;
  thread_ = std::thread([this] { Serve(); });
}

RecordingHttpServer::~RecordingHttpServer() { Stop(); }

std::string RecordingHttpServer::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string RecordingHttpServer::Url(std::string_view path) const {
  return BaseUrl() + std::string(path);
}

void RecordingHttpServer::SetHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::vector<RecordedRequest> RecordingHttpServer::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void RecordingHttpServer::ClearRequests() {
  std::lock_guard lock(mu_);
  requests_.clear();
}

int RecordingHttpServer::Connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

void RecordingHttpServer::Stop() {
  if (!running_.exchange(false)) return;
  const char byte = 'x';
  while (::write(wake_pipe_[1], &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();  // the accept loop has shut every connection down and joined its thread
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
  listen_fd_ = -1;
}

void RecordingHttpServer::Serve() {
  std::vector<std::thread> workers;
  std::vector<int> fds;
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    const int n = ::poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (p[1].revents & POLLIN) != 0) break;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int connection;
    {
      std::lock_guard lock(mu_);
      connection = ++connections_;
    }
    fds.push_back(fd);
    workers.emplace_back([this, fd, connection] { ServeConnection(fd, connection); });
  }
  for (int fd : fds) ::shutdown(fd, SHUT_RDWR);  // wakes each worker out of recv()
  for (auto& w : workers) w.join();
  for (int fd : fds) ::close(fd);
}

void RecordingHttpServer::ServeConnection(int fd, int connection) {
  Reader in(fd);
  while (running_) {
    auto end = in.Until("\r\n\r\n", kMaxHeadBytes);
    if (!end) return;
    RecordedRequest request;
    request.connection = connection;
    if (!ParseHead(*in.Take(*end + 4), request) || !ReadBody(in, fd, request)) return;
    Handler handler;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      handler = handler_;
    }
    const Reply reply = handler(request);
    if (reply.status == 0) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    std::string out = ResponseHead(request, reply);
    if (request.method != "HEAD") out += reply.body;
    if (!SendAll(fd, out) || EqualsIgnoreCase(request.Header("connection"), "close")) return;
  }
}

}  // namespace noisett::testing
