// Refusal errors and their RFC 6750 WWW-Authenticate form.
#include "auth/refusal.h"

namespace noisett::auth {
namespace {

// A quoted-string must not carry '"' or '\\' unescaped, and header values no control characters.
std::string HeaderSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '"' || c == '\\') continue;
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Error Refusal(std::string_view reason, std::string message) {
  return MakeError(ErrorCode::kUnauthenticated, std::string(reason), std::move(message));
}

std::string BearerChallenge(const Error& refusal, std::string_view realm) {
  std::string header = "Bearer realm=\"" + HeaderSafe(realm) + "\"";
  // RFC 6750 §3.1: a request without credentials gets the bare challenge, no error code.
  if (refusal.reason == reason::kMissing) return header;
  const bool scope = refusal.reason == reason::kMissingScope || refusal.reason == reason::kNotAdmin;
  header += scope ? ", error=\"insufficient_scope\"" : ", error=\"invalid_token\"";
  header += ", error_description=\"" + HeaderSafe(refusal.ToString()) + "\"";
  return header;
}

}  // namespace noisett::auth
