// Raw-socket HTTP client.
#include "service/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>

#include "core/text.h"

namespace noisett::service_e2e {
namespace {

using Clock = std::chrono::steady_clock;

// A connected socket, closed when it goes out of scope.
class Socket {
 public:
  explicit Socket(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool ok() const { return fd_ >= 0; }

  bool SendAll(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Appends what arrives to `out` until EOF, the deadline, or `done(out)` is true.
  template <typename Done>
  void ReadUntil(std::string* out, Clock::time_point deadline, Done done) {
    char buf[65536];
    while (!done(*out)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) return;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return;  // EOF or reset
      out->append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
};

std::string Head(const RawRequest& r, bool with_length) {
  std::string head = r.method + " " + r.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : r.headers) {
    head += name + ": " + value + "\r\n";
    // A chunked body carries its own framing; a Content-Length beside it is a smuggling attempt.
    if (AsciiLowercase(name) == "transfer-encoding") with_length = false;
  }
  const uint64_t length = r.content_length.value_or(r.body.size());
  if (with_length && (length > 0 || r.content_length || r.method == "POST" || r.method == "PUT")) {
    head += "Content-Length: " + std::to_string(length) + "\r\n";
  }
  head += "Connection: close\r\n\r\n";
  return head;
}

// Parses "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\nbody".
RawResponse Parse(const std::string& raw, bool head_request) {
  RawResponse r;
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0 || raw.size() < 12) return r;
  r.status = std::atoi(raw.c_str() + 9);
  size_t pos = raw.find("\r\n") + 2;
  while (pos < end) {
    size_t eol = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    r.headers[AsciiLowercase(line.substr(0, colon))] = value;
  }
  r.body = raw.substr(end + 4);
  // A HEAD answer keeps whatever followed its head (there should be nothing), so a test can see
  // a body sent by mistake; otherwise Content-Length bytes.
  if (auto it = r.headers.find("content-length"); it != r.headers.end() && !head_request) {
    const size_t length = std::stoull(it->second);
    if (r.body.size() > length) r.body.resize(length);
  }
  return r;
}

}  // namespace

std::string RawResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

RawResponse Send(uint16_t port, const RawRequest& request, int timeout_ms) {
  Socket socket(port);
  if (!socket.ok()) return {};
  if (!socket.SendAll(Head(request, true)) || !socket.SendAll(request.body)) {
    // The server may answer early (413) and close; read what it said anyway.
  }
  std::string raw;
  socket.ReadUntil(&raw, Clock::now() + std::chrono::milliseconds(timeout_ms),
                   [](const std::string&) { return false; });
  return Parse(raw, request.method == "HEAD");
}

RawResponse SendHeadOnly(uint16_t port, const RawRequest& request, int timeout_ms) {
  Socket socket(port);
  if (!socket.ok() || !socket.SendAll(Head(request, true))) return {};
  std::string raw;
  // The whole response: its head, then as many body bytes as it announces.
  socket.ReadUntil(&raw, Clock::now() + std::chrono::milliseconds(timeout_ms),
                   [](const std::string& s) {
                     const size_t end = s.find("\r\n\r\n");
                     if (end == std::string::npos) return false;
                     RawResponse head = Parse(s, true);
                     const std::string length = head.Header("content-length");
                     return length.empty() || s.size() >= end + 4 + std::stoull(length);
                   });
  return Parse(raw, false);
}

std::string PathAndQuery(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t path = url.find('/', scheme + 3);
  return path == std::string_view::npos ? "/" : std::string(url.substr(path));
}

}  // namespace noisett::service_e2e
