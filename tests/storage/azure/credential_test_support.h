// Helpers shared by the credential suites: decoding what a token endpoint received (query
// strings, form bodies), canned token answers, a temporary file, a loopback port that refuses
// connections, and a log sink that keeps every line.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/percent_encoding.h"
#include "support/recording_http_server.h"

namespace noisett::storage::azure::testing {

inline constexpr int64_t kT0 = 1'700'000'000;  // a fixed "now" for ManualClock

// A form field, decoded ('+' is a space); a marker that fails any comparison when malformed.
inline std::string FormDecode(std::string_view s) {
  return PercentDecode(s, PlusMeans::kSpace).value_or("<bad %-escape>");
}

// "a=1&b=x%20y" -> {a: 1, b: x y}. A repeated name keeps its first value; `count` sees repeats.
inline std::map<std::string, std::string> DecodeForm(std::string_view text,
                                                     std::map<std::string, int>* count = nullptr) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    const size_t eq = pair.find('=');
    const std::string name = FormDecode(pair.substr(0, eq));
    const std::string value = eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
    out.emplace(name, value);
    if (count) ++(*count)[name];
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

inline noisett::testing::Reply JsonReply(int status, std::string body) {
  return {status, {{"Content-Type", "application/json"}}, std::move(body)};
}

// A success body shaped like Entra ID's v2.0 endpoint (numbers).
inline noisett::testing::Reply EntraToken(const std::string& token, int64_t expires_in = 3600) {
  return JsonReply(200, R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
                            R"(,"ext_expires_in":)" + std::to_string(expires_in) +
                            R"(,"access_token":")" + token + R"("})");
}

// A success body shaped like IMDS and App Service (numbers as strings).
inline noisett::testing::Reply ImdsToken(const std::string& token, int64_t now,
                                         int64_t lifetime = 3600) {
  return JsonReply(200, R"({"access_token":")" + token + R"(","client_id":"c","expires_in":")" +
                            std::to_string(lifetime) + R"(","expires_on":")" +
                            std::to_string(now + lifetime) +
                            R"(","resource":"https://storage.azure.com/","token_type":"Bearer"})");
}

// A file under /tmp removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/noisett-cred-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd >= 0) ::close(fd);
    path_ = name;
    Write(content);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void Write(const std::string& content) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A loopback URL whose port refuses connections: a stopped recording server's.
inline std::string ClosedLoopbackUrl() {
  noisett::testing::RecordingHttpServer server(
      [](const noisett::testing::RecordedRequest&) { return noisett::testing::Reply{}; });
  const std::string url = server.BaseUrl();
  server.Stop();
  return url;
}

// Keeps every log line while alive, then restores the previous sink.
class LogCapture {
 public:
  LogCapture() {
    previous_ = SetLogSink([this](LogLevel, std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { SetLogSink(previous_); }
  std::string All() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string all;
    for (const auto& line : lines_) all += line + "\n";
    return all;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  LogSink previous_;
};

}  // namespace noisett::storage::azure::testing
