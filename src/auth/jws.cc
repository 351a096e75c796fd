// Compact JWS parsing: form only, strictly.
#include "auth/jws.h"

#include "auth/flat_json.h"
#include "auth/refusal.h"
#include "core/base64.h"

namespace noisett::auth {
namespace {

Unexpected Malformed(std::string message) {
  return Unexpected(Refusal(reason::kMalformed, std::move(message)));
}

Status ReadHeaderMember(const FlatJsonMemberView& m, CompactJws& jws, bool& has_alg) {
  if (m.key == "alg") {
    if (m.kind != FlatJsonMember::Kind::kString) return Malformed("header alg is not a string");
    jws.alg = m.string;
    has_alg = true;
  } else if (m.key == "kid") {
    if (m.kind != FlatJsonMember::Kind::kString) return Malformed("header kid is not a string");
    jws.kid = m.string;
  } else if (m.key == "crit") {
    // RFC 7515 §4.1.11: refuse critical extensions we do not understand, and we know none.
    return Malformed("header crit is not supported");
  }
  return Ok();
}

Status ReadHeader(std::string_view part, CompactJws& jws) {
  auto text = Base64UrlDecode(part);
  if (!text) return Malformed("header is not base64url");
  bool has_alg = false;
  // A bad member is reported only once the whole header is known to be JSON.
  Status first_bad = Ok();
  auto json = VisitFlatJsonObject(*text, [&](FlatJsonMemberView& m) {
    if (first_bad) first_bad = ReadHeaderMember(m, jws, has_alg);
  });
  if (!json) return Malformed("header is not a JSON object: " + json.error().message);
  if (!first_bad) return first_bad;
  if (!has_alg) return Malformed("header alg missing");
  return Ok();
}

}  // namespace

Result<CompactJws> ParseCompactJws(std::string_view token,
                                   std::optional<std::string_view> only_other_claim) {
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
  if (header_part.empty() || payload_part.empty()) return Malformed("empty header or payload");

  CompactJws jws;
  if (auto s = ReadHeader(header_part, jws); !s) return Unexpected(s.error());
  auto payload = Base64UrlDecode(payload_part);
  if (!payload) return Malformed("payload is not base64url");
  auto claims = ReadTokenClaims(*payload, only_other_claim);
  if (!claims) return Unexpected(claims.error());
  jws.claims = std::move(*claims);
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature) return Malformed("signature is not base64url");
  jws.signature = std::move(*signature);
  jws.signing_input = token.substr(0, dot2);
  return jws;
}

}  // namespace noisett::auth
