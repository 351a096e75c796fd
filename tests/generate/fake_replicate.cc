// POSIX sockets and poll(); a self-pipe wakes the thread for shutdown. Requests are handled one at
// a time and recorded before they are answered, so a client that got its answer always sees its
// request in the records.
#include "generate/fake_replicate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/text.h"

namespace noisett::testing {

struct FakeReplicate::Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

struct FakeReplicate::Response {
  Response(int s, std::string b, std::string type = "application/json",
           std::vector<std::pair<std::string, std::string>> h = {})
      : status(s), body(std::move(b)), content_type(std::move(type)), headers(std::move(h)) {}

  int status;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};

namespace {

constexpr int kReadTimeoutMs = 3000;
constexpr size_t kMaxRequestBytes = 1 << 20;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "FakeReplicate: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(size_t(n));
  }
}

// Reads one request (head and Content-Length body); false on a timeout or garbage.
bool ReadRequest(int fd, std::string& raw, size_t& head_end, size_t& body_size) {
  head_end = std::string::npos;
  for (;;) {
    if (head_end == std::string::npos) {
      head_end = raw.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::string head = AsciiLowercase(raw.substr(0, head_end));
        const size_t cl = head.find("\r\ncontent-length:");
        body_size = cl == std::string::npos ? 0 : std::strtoul(head.c_str() + cl + 17, nullptr, 10);
      }
    }
    if (head_end != std::string::npos && raw.size() >= head_end + 4 + body_size) return true;
    if (raw.size() > kMaxRequestBytes) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kReadTimeoutMs) <= 0) return false;
    char buf[8192];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    raw.append(buf, size_t(n));
  }
}

}  // namespace

FakeReplicate::FakeReplicate(std::string token) : token_(std::move(token)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("bind");
  if (::listen(listen_fd_, 16) != 0) Die("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) Die("getsockname");
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) Die("pipe");
  thread_ = std::thread([this] { Serve(); });
}

FakeReplicate::~FakeReplicate() {
  const char x = 1;
  (void)!::write(wake_pipe_[1], &x, 1);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string FakeReplicate::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeReplicate::Serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Die("poll");
    }
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    ::close(fd);
  }
}

void FakeReplicate::HandleConnection(int fd) {
  std::string raw;
  size_t head_end = 0, body_size = 0;
  if (!ReadRequest(fd, raw, head_end, body_size)) return;
  Request request;
  const std::string head = raw.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  const std::string line = head.substr(0, line_end);
  const size_t sp1 = line.find(' '), sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return;
  request.method = line.substr(0, sp1);
  request.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (line_end != std::string::npos) {
    const size_t next = head.find("\r\n", line_end + 2);
    const std::string h = head.substr(line_end + 2, next - line_end - 2);
    if (const size_t colon = h.find(':'); colon != std::string::npos) {
      size_t v = colon + 1;
      while (v < h.size() && h[v] == ' ') ++v;
      request.headers[AsciiLowercase(h.substr(0, colon))] = h.substr(v);
    }
    line_end = next;
  }
  request.body = raw.substr(head_end + 4, body_size);
  const Response response = Route(request);
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " Fake\r\nContent-Type: " +
                    response.content_type + "\r\nContent-Length: " +
                    std::to_string(response.body.size()) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "\r\n" + response.body;
  SendAll(fd, out);
}

FakeReplicate::Response FakeReplicate::Route(const Request& request) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string& path = request.path;
  if (request.method == "GET" && path.rfind("/files/", 0) == 0) {
    return HandleFile(request, path.substr(7));
  }
  const auto auth = request.headers.find("authorization");
  const std::string authorization = auth == request.headers.end() ? "" : auth->second;
  authorizations_.push_back(authorization);
  const bool is_get = request.method == "GET" && path.rfind("/v1/predictions/", 0) == 0;
  if (is_get) poll_times_.push_back(Clock::now());
  if (authorization != "Bearer " + token_) {
    // Echoes what it got, as a careless server might: the generator must not pass it on.
    return {401, nlohmann::json{{"title", "Unauthenticated"},
                                {"detail", "Invalid token: '" + authorization + "'"},
                                {"status", 401}}
                     .dump()};
  }
  if (request.method == "POST" && (path == "/v1/predictions" ||
                                   (path.rfind("/v1/models/", 0) == 0 &&
                                    path.size() > 12 && path.ends_with("/predictions")))) {
    return HandleCreate(request);
  }
  if (request.method == "POST" && path.ends_with("/cancel")) {
    return HandleCancel(path.substr(16, path.size() - 16 - 7));
  }
  if (is_get) return HandleGet(path.substr(16));
  return {404, R"({"detail":"Not found."})"};
}

FakeReplicate::Response FakeReplicate::HandleCreate(const Request& request) {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) body = nullptr;
  creates_.push_back(Create{request.path, request.headers.at("authorization"), body});
  if (scenario_ == Scenario::kServerError) return {500, "upstream exploded"};
  if (scenario_ == Scenario::kRefuseInput) {
    return {422, R"({"title":"Input validation failed","detail":"- input.prompt: NSFW content detected","status":422})"};
  }
  Prediction p;
  p.id = "pred" + std::to_string(predictions_.size() + 1);
  if (body.is_object() && body.contains("input") && body["input"].contains("seed") &&
      body["input"]["seed"].is_number_integer()) {
    p.seed = body["input"]["seed"].get<int64_t>();
  }
  predictions_[p.id] = p;
  Response r{201, ToJson(p).dump()};
  return r;
}

FakeReplicate::Response FakeReplicate::HandleGet(const std::string& id) {
  if (scenario_ == Scenario::kThrottleOnce && !throttled_) {
    throttled_ = true;
    return {429, R"({"detail":"Request was throttled. Expected available in 1 second."})",
            "application/json", {{"Retry-After", "1"}}};
  }
  auto it = predictions_.find(id);
  if (it == predictions_.end()) return {404, R"({"detail":"Not found."})"};
  Prediction& p = it->second;
  if (scenario_ == Scenario::kMalformedJson) return {200, R"({"id": ")" + p.id + R"(", "status": )"};
  if (p.status == "starting" || p.status == "processing") {
    ++p.polls;
    p.status = "processing";
    const bool ran_long_enough = Clock::now() - p.created >= latency_;
    if (p.polls >= polls_to_finish_ && ran_long_enough && scenario_ != Scenario::kNeverFinish) {
      p.status = scenario_ == Scenario::kFail ? "failed" : "succeeded";
    }
  }
  return {200, ToJson(p).dump()};
}

FakeReplicate::Response FakeReplicate::HandleCancel(const std::string& id) {
  cancels_.push_back(id);
  auto it = predictions_.find(id);
  if (it == predictions_.end()) return {404, R"({"detail":"Not found."})"};
  it->second.status = "canceled";
  return {200, ToJson(it->second).dump()};
}

FakeReplicate::Response FakeReplicate::HandleFile(const Request& request,
                                                  const std::string& name) {
  ++file_hits_;
  if (request.headers.count("authorization") != 0) ++file_hits_with_auth_;
  // "pred3-0.png": the output of prediction pred3.
  const auto it = predictions_.find(name.substr(0, name.find('-')));
  if (it == predictions_.end()) return {404, "no such file", "text/plain"};
  const auto image = images_.find(it->second.seed);
  return {200, image == images_.end() ? "no image" : image->second, "image/png"};
}

nlohmann::json FakeReplicate::ToJson(const Prediction& p) const {
  const std::string get = BaseUrl() + "/v1/predictions/" + p.id;
  nlohmann::json j = {{"id", p.id},
                      {"model", "owner/model"},
                      {"status", p.status},
                      {"output", nullptr},
                      {"error", nullptr},
                      {"logs", ""},
                      {"urls", {{"get", get}, {"cancel", get + "/cancel"}}}};
  if (p.status == "failed") j["error"] = failure_text_;
  if (p.status != "succeeded") return j;
  switch (scenario_) {
    case Scenario::kSucceedString: j["output"] = FileUrl(p, 0); break;
    case Scenario::kRefusedAddress:
      j["output"] = nlohmann::json::array({"http://169.254.169.254/latest/meta-data/"});
      break;
    case Scenario::kTwoOutputs: j["output"] = {FileUrl(p, 0), FileUrl(p, 1)}; break;
    default: j["output"] = nlohmann::json::array({FileUrl(p, 0)}); break;
  }
  return j;
}

std::string FakeReplicate::FileUrl(const Prediction& p, int index) const {
  return BaseUrl() + "/files/" + p.id + "-" + std::to_string(index) + ".png";
}

void FakeReplicate::SetScenario(Scenario scenario) {
  std::lock_guard<std::mutex> lock(mu_);
  scenario_ = scenario;
}
void FakeReplicate::SetPollsToFinish(int polls) {
  std::lock_guard<std::mutex> lock(mu_);
  polls_to_finish_ = polls;
}

void FakeReplicate::SetLatency(std::chrono::milliseconds latency) {
  std::lock_guard lock(mu_);
  latency_ = latency;
}
void FakeReplicate::SetFailureText(std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_text_ = std::move(text);
}
void FakeReplicate::SetImage(int64_t seed, std::string bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  images_[seed] = std::move(bytes);
}
std::vector<FakeReplicate::Create> FakeReplicate::Creates() const {
  std::lock_guard<std::mutex> lock(mu_);
  return creates_;
}
std::vector<FakeReplicate::Clock::time_point> FakeReplicate::PollTimes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return poll_times_;
}
std::vector<std::string> FakeReplicate::Cancels() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancels_;
}
int FakeReplicate::FileHits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_hits_;
}
int FakeReplicate::FileHitsWithAuthorization() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_hits_with_auth_;
}
std::vector<std::string> FakeReplicate::Authorizations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return authorizations_;
}

}  // namespace noisett::testing
