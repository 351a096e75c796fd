// Loopback helpers.
#include "http/test_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <utility>

#include "core/text.h"

namespace noisett::http::testing {
namespace {

std::optional<ParsedResponse> ParseHead(std::string_view head) {
  ParsedResponse r;
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return std::nullopt;
  r.status = std::stoi(std::string(status_line.substr(9, 3)));
  head = eol == std::string_view::npos ? "" : head.substr(eol + 2);
  while (!head.empty()) {
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? "" : head.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string value(line.substr(colon + 1));
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[AsciiLowercase(line.substr(0, colon))] = value;
  }
  return r;
}

}  // namespace

Conn::Conn(uint16_t port, int recv_timeout_ms) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  timeval tv{recv_timeout_ms / 1000, (recv_timeout_ms % 1000) * 1000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Conn::~Conn() {
  if (fd_ >= 0) ::close(fd_);
}

bool Conn::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool Conn::Fill() {
  char buf[16384];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  pending_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<ParsedResponse> Conn::Read(bool head) {
  auto fill = [this] { return Fill(); };
  size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  auto parsed = ParseHead(std::string_view(pending_).substr(0, end));
  if (!parsed) return std::nullopt;
  pending_.erase(0, end + 4);
  size_t length = 0;
  if (!head && parsed->headers.count("content-length") != 0) {
    length = std::stoull(parsed->headers["content-length"]);
  }
  if (parsed->status == 304 || parsed->status == 204) length = 0;
  while (pending_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  parsed->body = pending_.substr(0, length);
  pending_.erase(0, length);
  return parsed;
}

std::optional<std::string> Conn::ReadChunk() {
  size_t eol;
  while ((eol = pending_.find("\r\n")) == std::string::npos) {
    if (!Fill()) return std::nullopt;
  }
  const std::string size_text = pending_.substr(0, eol);
  if (size_text.empty() ||
      size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return std::nullopt;
  }
  const size_t size = std::stoul(size_text, nullptr, 16);
  const size_t end = eol + 2 + size + 2;
  while (pending_.size() < end) {
    if (!Fill()) return std::nullopt;
  }
  if (pending_.compare(end - 2, 2, "\r\n") != 0) return std::nullopt;
  std::string data = pending_.substr(eol + 2, size);
  pending_.erase(0, end);
  return data;
}

std::optional<std::string> Conn::ReadToEnd() {
  char buf[16384];
  while (true) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return std::exchange(pending_, std::string());
    if (n < 0) return std::nullopt;
    pending_.append(buf, static_cast<size_t>(n));
  }
}

bool Conn::WaitClosed(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (::poll(&p, 1, std::max(left, 1)) <= 0) return false;
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return true;
  }
  return false;
}

RunningServer::RunningServer(ServerOptions options, Handler handler) {
  options.listen = "127.0.0.1:0";
  options.access_log = false;
  auto server = Server::Create(std::move(options));
  if (!server) {
    ADD_FAILURE() << server.error().ToString();
    return;
  }
  server_ = std::move(*server);
  port_ = server_->Port();
  thread_ = std::thread(
      [this, handler = std::move(handler)]() mutable { server_->Run(std::move(handler)); });
}

RunningServer::~RunningServer() { StopAndJoin(); }

void RunningServer::StopAndJoin() {
  if (!server_) return;
  server_->Stop();
  if (thread_.joinable()) thread_.join();
}

namespace {

struct Functions {
  std::function<HttpResponse(const HttpRequest&)> handle;
  std::function<std::optional<HttpResponse>(const HttpRequest&)> admit_body;
};

class FunctionExchange final : public Exchange {
 public:
  FunctionExchange(std::shared_ptr<const Functions> functions, Lane lane)
      : functions_(std::move(functions)), lane_(lane) {}
  Lane lane() const noexcept override { return lane_; }
  std::optional<HttpResponse> AdmitBody(const HttpRequest& head) override {
    if (!functions_->admit_body) return std::nullopt;
    return functions_->admit_body(head);
  }
  HttpResponse Handle(const HttpRequest& request) override { return functions_->handle(request); }

 private:
  std::shared_ptr<const Functions> functions_;
  Lane lane_;
};

}  // namespace

Handler FunctionHandler(std::function<HttpResponse(const HttpRequest&)> handle,
                        std::function<Lane(const HttpRequest&)> lane,
                        std::function<std::optional<HttpResponse>(const HttpRequest&)> admit_body) {
  auto functions =
      std::make_shared<const Functions>(Functions{std::move(handle), std::move(admit_body)});
  return Handler{[functions, lane = std::move(lane)](const HttpRequest& head) {
    return std::make_unique<FunctionExchange>(functions, lane ? lane(head) : Lane::kWorkers);
  }};
}

std::string Get(std::string_view target, std::string_view extra) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n";
}

}  // namespace noisett::http::testing
