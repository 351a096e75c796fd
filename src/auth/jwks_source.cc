// The three JWKS sources: file, URL, and OpenID discovery.
#include "auth/jwks_source.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "net/http_client.h"

namespace noisett::auth {
namespace {

constexpr size_t kMaxJwksBytes = 1 << 20;

Unexpected Unavailable(std::string message) {
  return Unexpected(MakeError(ErrorCode::kUnavailable, "jwks_unavailable", std::move(message)));
}

Result<std::string> GetDocument(const std::string& url) {
  if (auto ok = net::CheckKeyUrl(url); !ok) return Unavailable(ok.error().message);
  net::HttpGetOptions options;
  options.max_body_bytes = kMaxJwksBytes;
  auto response = net::HttpGet(url, options);
  if (!response) return Unavailable(response.error().message);
  if (response->status != 200) {
    return Unavailable(url + ": HTTP " + std::to_string(response->status));
  }
  return std::move(response->body);
}

class FileJwksSource final : public JwksSource {
 public:
  explicit FileJwksSource(std::string path) : path_(std::move(path)) {}
  Result<std::string> Fetch() override {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Unavailable("cannot read " + path_);
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxJwksBytes) return Unavailable(path_ + " is too large for a JWKS");
    return text.str();
  }
  std::string Describe() const override { return "file " + path_; }

 private:
  std::string path_;
};

class UrlJwksSource final : public JwksSource {
 public:
  explicit UrlJwksSource(std::string url) : url_(std::move(url)) {}
  Result<std::string> Fetch() override { return GetDocument(url_); }
  std::string Describe() const override { return "url " + url_; }

 private:
  std::string url_;
};

class DiscoveryJwksSource final : public JwksSource {
 public:
  explicit DiscoveryJwksSource(std::string url) : discovery_url_(std::move(url)) {}

  Result<std::string> Fetch() override {
    std::string jwks_uri = RememberedJwksUri();
    if (!jwks_uri.empty()) {
      auto doc = GetDocument(jwks_uri);
      if (doc) return doc;
    }
    auto discovered = Discover();  // first time, or the remembered URI stopped working
    if (!discovered) return Unexpected(discovered.error());
    return GetDocument(*discovered);
  }

  std::string Describe() const override { return "discovery " + discovery_url_; }

 private:
  std::string RememberedJwksUri() {
    std::lock_guard<std::mutex> lock(mu_);
    return jwks_uri_;
  }

  Result<std::string> Discover() {
    auto doc = GetDocument(discovery_url_);
    if (!doc) return Unexpected(doc.error());
    auto json = nlohmann::json::parse(*doc, nullptr, /*allow_exceptions=*/false);
    auto uri = json.is_object() ? json.find("jwks_uri") : json.end();
    if (!json.is_object() || uri == json.end() || !uri->is_string()) {
      return Unavailable(discovery_url_ + ": no jwks_uri in the OpenID configuration");
    }
    std::lock_guard<std::mutex> lock(mu_);
    jwks_uri_ = uri->get<std::string>();
    return jwks_uri_;
  }

  std::string discovery_url_;
  std::mutex mu_;
  std::string jwks_uri_;
};

}  // namespace

std::unique_ptr<JwksSource> MakeFileJwksSource(std::string path) {
  return std::make_unique<FileJwksSource>(std::move(path));
}
std::unique_ptr<JwksSource> MakeUrlJwksSource(std::string url) {
  return std::make_unique<UrlJwksSource>(std::move(url));
}
std::unique_ptr<JwksSource> MakeDiscoveryJwksSource(std::string discovery_url) {
  return std::make_unique<DiscoveryJwksSource>(std::move(discovery_url));
}

}  // namespace noisett::auth
