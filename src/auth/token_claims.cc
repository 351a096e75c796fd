// Claim types, read from the flat JSON members.
#include "auth/token_claims.h"

#include <cstring>

#include "auth/flat_json.h"
#include "auth/refusal.h"

namespace noisett::auth {
namespace {

using Kind = FlatJsonMember::Kind;

Unexpected WrongType(std::string_view name, const char* expected) {
  return Unexpected(Refusal(reason::kMalformed,
                            std::string(name) + " claim is not " + expected));
}

struct Slot {
  std::string_view name;  // a view, not a C string: comparing needs no strlen
  std::optional<std::string> TokenClaims::*text = nullptr;
  std::optional<double> TokenClaims::*number = nullptr;
};

constexpr Slot kSlots[] = {
    {"exp", nullptr, &TokenClaims::exp},
    {"nbf", nullptr, &TokenClaims::nbf},
    {"iat", nullptr, &TokenClaims::iat},
    {"iss", &TokenClaims::iss},
    {"tid", &TokenClaims::tid},
    {"oid", &TokenClaims::oid},
    {"scp", &TokenClaims::scp},
    {"ver", &TokenClaims::ver},
    {"name", &TokenClaims::name},
    {"preferred_username", &TokenClaims::preferred_username},
    {"upn", &TokenClaims::upn},
    {"unique_name", &TokenClaims::unique_name},
};

Status ReadStrings(const FlatJsonMember& m, bool allow_single, std::vector<std::string>* out) {
  if (allow_single && m.kind == Kind::kString) {
    *out = {m.string};
    return Ok();
  }
  if (m.kind != Kind::kArray) return WrongType(m.key, "an array of strings");
  if (!m.all_strings) return WrongType(m.key, "an array of strings");
  *out = m.strings;
  return Ok();
}

Status ReadMember(FlatJsonMember& m, TokenClaims& claims) {
  if (m.key == "aud") return ReadStrings(m, /*allow_single=*/true, &claims.aud);
  if (m.key == "roles") return ReadStrings(m, /*allow_single=*/false, &claims.roles);
  for (const Slot& slot : kSlots) {
    if (std::string_view(m.key) != slot.name) continue;
    if (slot.number != nullptr) {
      if (m.kind != Kind::kNumber) return WrongType(m.key, "a number");
      claims.*slot.number = m.number;
    } else {
      if (m.kind != Kind::kString) return WrongType(m.key, "a string");
      claims.*slot.text = std::move(m.string);
    }
    return Ok();
  }
  // The last member of a name wins, as for the claims above (and as JSON parsers do).
  if (m.kind == Kind::kString) {
    claims.other_strings[m.key] = std::move(m.string);
  } else {
    claims.other_strings.erase(m.key);
  }
  return Ok();  // a claim we do not read by name
}

}  // namespace

Result<TokenClaims> ReadTokenClaims(std::string_view payload_json) {
  auto members = ReadFlatJsonObject(payload_json);
  if (!members) {
    return Unexpected(Refusal(reason::kMalformed, "payload is not a JSON object: " +
                                                      members.error().message));
  }
  TokenClaims claims;
  for (FlatJsonMember& m : *members) {
    if (auto s = ReadMember(m, claims); !s) return Unexpected(s.error());
  }
  return claims;
}

}  // namespace noisett::auth
