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

// `key` == `name`, cheaper for the many three-letter claim names, most differing in the first.
bool Is(std::string_view key, std::string_view name) {
  return key.size() == name.size() && !key.empty() && key[0] == name[0] && key == name;
}

Status ReadStrings(FlatJsonMemberView& m, bool allow_single, std::vector<std::string>* out) {
  if (allow_single && m.kind == Kind::kString) {
    out->assign(1, std::string(m.string));
    return Ok();
  }
  if (m.kind != Kind::kArray) return WrongType(m.key, "an array of strings");
  if (!m.all_strings) return WrongType(m.key, "an array of strings");
  *out = std::move(*m.strings);
  return Ok();
}

Status ReadMember(FlatJsonMemberView& m, std::optional<std::string_view> only_other,
                  TokenClaims& claims) {
  if (Is(m.key, "aud")) return ReadStrings(m, /*allow_single=*/true, &claims.aud);
  if (Is(m.key, "roles")) return ReadStrings(m, /*allow_single=*/false, &claims.roles);
  for (const Slot& slot : kSlots) {
    if (!Is(m.key, slot.name)) continue;
    if (slot.number != nullptr) {
      if (m.kind != Kind::kNumber) return WrongType(m.key, "a number");
      claims.*slot.number = m.number;
    } else {
      if (m.kind != Kind::kString) return WrongType(m.key, "a string");
      (claims.*slot.text).emplace(m.string);
    }
    return Ok();
  }
  if (only_other && m.key != *only_other) return Ok();
  // The last member of a name wins, as for the claims above (and as JSON parsers do).
  if (m.kind == Kind::kString) {
    claims.other_strings.insert_or_assign(std::string(m.key), std::string(m.string));
  } else if (!claims.other_strings.empty()) {
    claims.other_strings.erase(std::string(m.key));
  }
  return Ok();  // a claim we do not read by name
}

}  // namespace

Result<TokenClaims> ReadTokenClaims(std::string_view payload_json,
                                    std::optional<std::string_view> only_other) {
  TokenClaims claims;
  // Members are read as the reader meets them; the first wrong type is reported only once the
  // whole text is known to be JSON, so bad JSON is always reported as such.
  Status first_wrong_type = Ok();
  auto json = VisitFlatJsonObject(payload_json, [&](FlatJsonMemberView& m) {
    if (!first_wrong_type) return;
    first_wrong_type = ReadMember(m, only_other, claims);
  });
  if (!json) {
    return Unexpected(Refusal(reason::kMalformed, "payload is not a JSON object: " +
                                                      json.error().message));
  }
  if (!first_wrong_type) return Unexpected(first_wrong_type.error());
  return claims;
}

}  // namespace noisett::auth
