// Compact JWS parsing: form only, strictly.
#include "auth/jws.h"

#include "auth/base64url.h"
#include "auth/refusal.h"

namespace noisett::auth {
namespace {

Unexpected Malformed(std::string message) {
  return Unexpected(Refusal(reason::kMalformed, std::move(message)));
}

// Decodes one base64url part into a JSON object.
Result<nlohmann::json> DecodeJsonPart(std::string_view part, const char* name) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return Malformed(std::string(name) + " is not base64url");
  nlohmann::json value = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return Malformed(std::string(name) + " is not a JSON object");
  return value;
}

}  // namespace

Result<CompactJws> ParseCompactJws(std::string_view token) {
  if (token.empty()) return Malformed("empty token");
  if (token.size() > kMaxTokenBytes) {
    return Malformed("token is " + std::to_string(token.size()) + " bytes, over the " +
                     std::to_string(kMaxTokenBytes) + "-byte limit");
  }
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Malformed("a token has exactly three dot-separated parts");
  }
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = token.substr(dot2 + 1);
  if (header_part.empty() || payload_part.empty()) return Malformed("empty header or payload");

  CompactJws jws;
  auto header = DecodeJsonPart(header_part, "header");
  if (!header) return Unexpected(header.error());
  jws.header = std::move(*header);
  auto alg = jws.header.find("alg");
  if (alg == jws.header.end() || !alg->is_string()) return Malformed("header alg missing");
  jws.alg = alg->get<std::string>();
  if (auto kid = jws.header.find("kid"); kid != jws.header.end()) {
    if (!kid->is_string()) return Malformed("header kid is not a string");
    jws.kid = kid->get<std::string>();
  }
  // RFC 7515 §4.1.11: a recipient must refuse critical extensions it does not understand, and
  // we understand none.
  if (jws.header.contains("crit")) return Malformed("header crit is not supported");

  auto payload = DecodeJsonPart(payload_part, "payload");
  if (!payload) return Unexpected(payload.error());
  jws.payload = std::move(*payload);

  auto signature = Base64UrlDecode(signature_part);
  if (!signature) return Malformed("signature is not base64url");
  jws.signature = std::move(*signature);
  jws.signing_input = std::string(token.substr(0, dot2));
  return jws;
}

}  // namespace noisett::auth
