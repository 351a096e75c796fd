// Token requests over net::HttpSend, with error classification and secret scrubbing.
#include "storage/azure/token_request.h"

#include <cctype>

#include "core/percent_encoding.h"
#include "storage/azure/token_response.h"

namespace noisett::storage::azure {
namespace {

// Token responses are a few KiB; anything far bigger is not one.
constexpr size_t kMaxTokenResponse = 64 * 1024;
constexpr char kImdsPrefix[] = "http://169.254.169.254/";

std::string WithoutQuery(const std::string& url) { return url.substr(0, url.find('?')); }

Status CheckUrl(const std::string& url, bool allow_imds_http) {
  if (allow_imds_http && url.rfind(kImdsPrefix, 0) == 0) return Ok();
  return net::CheckKeyUrl(url);
}

}  // namespace

Result<AccessToken> RequestToken(const net::HttpRequestSpec& request,
                                 const TokenHttpOptions& options, const Clock& clock,
                                 const std::vector<std::string>& secrets) {
  const std::string where = request.method + " " + WithoutQuery(request.url) + ": ";
  auto fail = [&](ErrorCode code, const std::string& why) {
    const bool reachable = code != ErrorCode::kUnavailable;
    return Unexpected(MakeError(code, reachable ? "credential_failed" : "credential_unreachable",
                                RedactSecrets(where + why, secrets)));
  };
  if (Status ok = CheckUrl(request.url, options.allow_imds_http); !ok) {
    return fail(ErrorCode::kUnauthenticated, ok.error().message);
  }
  net::HttpGetOptions http;
  http.connect_timeout_ms = options.connect_timeout_ms;
  http.timeout_ms = options.timeout_ms;
  http.max_body_bytes = kMaxTokenResponse;
  http.ca_file = options.ca_file;
  auto response = net::HttpSend(request, http);
  if (!response) {
    if (response.error().code == ErrorCode::kTooLarge) {
      return fail(ErrorCode::kUnauthenticated,
                  "response over " + std::to_string(kMaxTokenResponse) + " bytes");
    }
    // HttpSend's message starts with the whole URL; `where` already names it.
    std::string m = response.error().message;
    const std::string prefix = request.url + ": ";
    if (m.rfind(prefix, 0) == 0) m.erase(0, prefix.size());
    return fail(ErrorCode::kUnavailable, m);
  }
  const long status = response->status;
  if (status >= 200 && status < 300) {
    auto token = ParseTokenResponse(response->body, clock.NowSeconds());
    if (!token) return fail(ErrorCode::kUnauthenticated, token.error().message);
    return token;
  }
  const std::string why =
      "HTTP " + std::to_string(status) + ": " + DescribeTokenError(response->body, secrets);
  const bool transient = status == 408 || status == 429 || status >= 500;
  return fail(transient ? ErrorCode::kUnavailable : ErrorCode::kUnauthenticated, why);
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name, PercentKeep::kUnreserved) + "=" +
           PercentEncode(value, PercentKeep::kUnreserved);
  }
  return out;
}

Result<std::string> EntraTokenUrl(std::string_view authority_host, std::string_view tenant) {
  bool ok = !tenant.empty() && tenant.size() <= 128;
  for (unsigned char c : tenant) ok = ok && (std::isalnum(c) || c == '-' || c == '.');
  if (!ok || tenant.find("..") != std::string_view::npos) {
    return Unexpected(MakeError(ErrorCode::kUnauthenticated, "credential_failed",
                                "AZURE_TENANT_ID must be a tenant GUID or domain name"));
  }
  return TrimTrailingSlashes(authority_host) + "/" + std::string(tenant) + "/oauth2/v2.0/token";
}

net::HttpRequestSpec EntraTokenPost(std::string url,
                                    const std::vector<std::pair<std::string, std::string>>& form) {
  net::HttpRequestSpec request;
  request.method = "POST";
  request.url = std::move(url);
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = FormEncode(form);
  return request;
}

std::string TrimTrailingSlashes(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::string ShortId(std::string_view id) {
  if (id.size() <= 8) return std::string(id);
  return std::string(id.substr(0, 8)) + "...";
}

}  // namespace noisett::storage::azure
