// Test keys and token minting over auth/crypto.h; see test_tokens.h.
#include "auth/unit/test_tokens.h"

#include <stdexcept>

#include "auth/unit/test_key_pems.h"
#include "core/base64.h"

namespace noisett::auth::unit {
namespace {

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().ToString());
  return std::move(result).value();
}

}  // namespace

const TestKeys& Keys() {
  static const TestKeys keys{Must(crypto::PrivateKeyFromPem(kRsaPem), "rsa key"),
                             Must(crypto::PrivateKeyFromPem(kOtherRsaPem), "second rsa key"),
                             Must(crypto::PrivateKeyFromPem(kEcPem), "ec key")};
  return keys;
}

std::string V2Issuer() {
  return "https://login.microsoftonline.com/" + std::string(kTenant) + "/v2.0";
}

std::string V1Issuer() { return "https://sts.windows.net/" + std::string(kTenant) + "/"; }

nlohmann::json RsaJwk(const crypto::Key& key, std::string_view kid, std::string_view alg) {
  const auto rsa = Must(crypto::RsaPublicComponents(key), "rsa components");
  nlohmann::json jwk = {{"kty", "RSA"},
                        {"use", "sig"},
                        {"kid", kid},
                        {"n", Base64UrlEncode(rsa.modulus)},
                        {"e", Base64UrlEncode(rsa.exponent)}};
  if (!alg.empty()) jwk["alg"] = alg;
  return jwk;
}

nlohmann::json EcJwk(const crypto::Key& key, std::string_view kid) {
  const auto ec = Must(crypto::EcPublicComponents(key), "ec components");
  return {{"kty", "EC"},          {"use", "sig"}, {"crv", "P-256"}, {"kid", kid},
          {"x", Base64UrlEncode(ec.x)}, {"y", Base64UrlEncode(ec.y)}};
}

std::string JwksText(const std::vector<nlohmann::json>& keys) {
  return nlohmann::json{{"keys", keys}}.dump();
}

std::string EncodeJson(const nlohmann::json& value) { return Base64UrlEncode(value.dump()); }

std::string SignToken(const nlohmann::json& header, const nlohmann::json& payload,
                      crypto::Scheme scheme, const crypto::Key& key) {
  const std::string signing_input = EncodeJson(header) + "." + EncodeJson(payload);
  const std::string signature = Must(crypto::Sign(scheme, key, signing_input), "sign");
  return signing_input + "." + Base64UrlEncode(signature);
}

std::string SignRs256(const nlohmann::json& payload, std::string_view kid) {
  return SignToken({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}}, payload,
                   crypto::Scheme::kRsaPkcs1Sha256, Keys().rsa);
}

nlohmann::json V2Claims(int64_t now) {
  return {{"iss", V2Issuer()},
          {"aud", kClientId},
          {"tid", kTenant},
          {"oid", kOid},
          {"sub", "subject-123"},
          {"ver", "2.0"},
          {"iat", now - 10},
          {"nbf", now - 10},
          {"exp", now + 3600},
          {"name", "Ada Lovelace"},
          {"preferred_username", "ada@contoso.example"},
          {"scp", "images.read images.write"},
          {"roles", {"Noisett.Admin"}}};
}

}  // namespace noisett::auth::unit
