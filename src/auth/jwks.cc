// JWKS documents → verification keys.
#include "auth/jwks.h"

#include <nlohmann/json.hpp>

#include "core/base64.h"

namespace noisett::auth {
namespace {

constexpr int kMinRsaBits = 2048;

std::optional<std::string> StringMember(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> Base64Member(const nlohmann::json& obj, const char* name) {
  auto text = StringMember(obj, name);
  if (!text) return std::nullopt;
  auto bytes = Base64UrlDecode(*text);
  if (!bytes) return std::nullopt;
  return std::move(*bytes);
}

Result<crypto::Key> RsaFromJwk(const nlohmann::json& jwk) {
  auto n = Base64Member(jwk, "n");
  auto e = Base64Member(jwk, "e");
  if (!n || !e) return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_key", "n or e missing"));
  auto key = crypto::RsaPublicKey(*n, *e);
  if (key && key->bits() < kMinRsaBits) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_key",
                                "RSA key of " + std::to_string(key->bits()) + " bits (< 2048)"));
  }
  return key;
}

Result<crypto::Key> EcFromJwk(const nlohmann::json& jwk) {
  if (StringMember(jwk, "crv") != "P-256") {
    return Unexpected(MakeError(ErrorCode::kUnsupported, "bad_key", "curve other than P-256"));
  }
  auto x = Base64Member(jwk, "x");
  auto y = Base64Member(jwk, "y");
  if (!x || !y) return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_key", "x or y missing"));
  return crypto::EcP256PublicKey(*x, *y);
}

// One JWK → VerifyKey, or why it was left out.
Result<VerifyKey> KeyFromJwk(const nlohmann::json& jwk) {
  auto bad = [](std::string why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_key", std::move(why)));
  };
  if (!jwk.is_object()) return bad("not an object");
  auto kid = StringMember(jwk, "kid");
  if (!kid || kid->empty()) return bad("no kid");
  if (auto use = StringMember(jwk, "use"); use && *use != "sig") return bad("use is not sig");
  VerifyKey out;
  out.kid = *kid;
  if (jwk.contains("alg")) {
    auto alg = StringMember(jwk, "alg");
    out.alg = alg ? ParseAlg(*alg) : std::nullopt;
    if (!out.alg) return bad("alg not verifiable here");
  }
  const auto kty = StringMember(jwk, "kty");
  Result<crypto::Key> key = kty == "RSA"  ? RsaFromJwk(jwk)
                            : kty == "EC" ? EcFromJwk(jwk)
                                          : Result<crypto::Key>(Unexpected(MakeError(
                                                ErrorCode::kUnsupported, "bad_key", "kty not RSA or EC")));
  if (!key) return bad(key.error().message);
  out.key = std::move(*key);
  return out;
}

}  // namespace

bool KeyMatchesAlg(const VerifyKey& key, Alg alg) {
  if (key.alg && *key.alg != alg) return false;
  const crypto::KeyKind kind = key.key.kind();
  return alg == Alg::kES256 ? kind == crypto::KeyKind::kEcP256 : kind == crypto::KeyKind::kRsa;
}

const VerifyKey* KeySet::Find(std::string_view kid) const {
  auto it = by_kid.find(std::string(kid));
  return it == by_kid.end() ? nullptr : &it->second;
}

Result<KeySet> ParseJwks(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_jwks", "JWKS is not a JSON object"));
  }
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_jwks", "JWKS has no keys array"));
  }
  KeySet set;
  for (const auto& jwk : *keys) {
    auto key = KeyFromJwk(jwk);
    const std::string kid = jwk.is_object() ? StringMember(jwk, "kid").value_or("?") : "?";
    if (!key) {
      set.skipped.push_back(kid + ": " + key.error().message);
    } else if (!set.by_kid.emplace(key->kid, *key).second) {
      set.skipped.push_back(kid + ": duplicate kid");
    }
  }
  return set;
}

std::string RsaPublicJwk(const crypto::RsaComponents& rsa, std::string_view kid, Alg alg) {
  nlohmann::json jwk = {{"kty", "RSA"},
                        {"use", "sig"},
                        {"alg", std::string(AlgName(alg))},
                        {"kid", std::string(kid)},
                        {"n", Base64UrlEncode(rsa.modulus)},
                        {"e", Base64UrlEncode(rsa.exponent)}};
  return jwk.dump();
}

}  // namespace noisett::auth
