// Token response parsing with nlohmann::json in non-throwing mode.
#include "storage/azure/token_response.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "core/percent_encoding.h"

namespace noisett::storage::azure {
namespace {

// Ten years: anything longer is not an Entra ID token lifetime but a broken or hostile answer.
constexpr int64_t kMaxLifetimeSeconds = 10LL * 365 * 24 * 3600;
constexpr size_t kMaxDescription = 400;

Error Bad(const std::string& why) {
  return MakeError(ErrorCode::kUnauthenticated, "credential_failed", "bad token response: " + why);
}

// A positive integer given as a JSON number or as a string of 1-12 digits.
std::optional<int64_t> PositiveSeconds(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    const int64_t n = value.get<int64_t>();
    return n > 0 ? std::optional<int64_t>(n) : std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > 12) return std::nullopt;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n > 0 ? std::optional<int64_t>(n) : std::nullopt;
}

bool HeaderSafe(const std::string& token) {
  if (token.empty()) return false;
  for (unsigned char c : token) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Printable ASCII, whitespace runs folded to one space, cut to kMaxDescription.
std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c >= 0x21 && c < 0x7f ? char(c) : '?');
    }
    if (out.size() >= kMaxDescription) {
      out += "...";
      break;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string StringField(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

void Redact(std::string& text, const std::string& secret) {
  if (secret.size() < 4) return;  // too short to find without mangling ordinary words
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 1)) {
    text.replace(at, secret.size(), "[redacted]");
  }
}

}  // namespace

std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    Redact(text, secret);
    Redact(text, PercentEncode(secret, PercentKeep::kUnreserved));
  }
  return text;
}

Result<AccessToken> ParseTokenResponse(std::string_view body, int64_t now) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Unexpected(Bad("not JSON"));
  if (!json.is_object()) return Unexpected(Bad("not a JSON object"));
  auto token = json.find("access_token");
  if (token == json.end() || !token->is_string()) return Unexpected(Bad("no access_token"));
  AccessToken out;
  out.token = token->get<std::string>();
  if (!HeaderSafe(out.token)) {
    return Unexpected(Bad("access_token is empty or not printable ASCII"));
  }
  std::optional<int64_t> expires_in, expires_on;
  if (auto it = json.find("expires_in"); it != json.end()) expires_in = PositiveSeconds(*it);
  if (auto it = json.find("expires_on"); it != json.end()) expires_on = PositiveSeconds(*it);
  if (expires_in) {
    if (*expires_in > kMaxLifetimeSeconds) return Unexpected(Bad("expires_in out of range"));
    out.expires_on = now + *expires_in;
  } else if (expires_on) {
    if (*expires_on > now + kMaxLifetimeSeconds) return Unexpected(Bad("expires_on out of range"));
    out.expires_on = *expires_on;
  } else {
    return Unexpected(Bad("no usable expires_in or expires_on"));
  }
  return out;
}

std::string DescribeTokenError(std::string_view body, const std::vector<std::string>& secrets) {
  if (body.empty()) return "empty body";
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return std::to_string(body.size()) + "-byte non-JSON body";
  }
  std::string code = StringField(json, "error");
  std::string text = StringField(json, "error_description");
  if (auto it = json.find("error"); it != json.end() && it->is_object()) {  // App Service shape
    code = StringField(*it, "code");
    text = StringField(*it, "message");
  }
  if (text.empty()) text = StringField(json, "message");
  std::string joined = code.empty() ? text : text.empty() ? code : code + ": " + text;
  joined = Printable(RedactSecrets(std::move(joined), secrets));
  return joined.empty() ? "JSON error body without a description" : joined;
}

}  // namespace noisett::storage::azure
