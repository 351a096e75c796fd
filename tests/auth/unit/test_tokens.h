// Keys, JWKs and signed compact tokens for the auth unit tests, built with the module's own crypto
// adapter. (Independent minting with npm jose is the end-to-end suite's job.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/crypto.h"

namespace noisett::auth::unit {

// Fixed keys (test_key_pems.h), loaded once per process and shared; keys are immutable, so
// sharing is safe. Generating them instead cost seconds per ctest process under ASan.
struct TestKeys {
  crypto::Key rsa;        // kid "rsa-1"
  crypto::Key rsa_other;  // never published: signs tokens that must fail verification
  crypto::Key ec;         // P-256, kid "ec-1"
};
const TestKeys& Keys();

// An Entra-like tenant and API client id used across the suites.
inline constexpr std::string_view kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr std::string_view kClientId = "6b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
inline constexpr std::string_view kOid = "0a1b2c3d-0000-4000-8000-00000000beef";
std::string V2Issuer();  // https://login.microsoftonline.com/{kTenant}/v2.0
std::string V1Issuer();  // https://sts.windows.net/{kTenant}/

// JWK objects; `alg` empty leaves the member out.
nlohmann::json RsaJwk(const crypto::Key& key, std::string_view kid, std::string_view alg = "RS256");
nlohmann::json EcJwk(const crypto::Key& key, std::string_view kid);
std::string JwksText(const std::vector<nlohmann::json>& keys);

// BASE64URL(dump of value).
std::string EncodeJson(const nlohmann::json& value);

// header.payload.signature, signed over the first two parts with `key`.
std::string SignToken(const nlohmann::json& header, const nlohmann::json& payload,
                      crypto::Scheme scheme, const crypto::Key& key);
// The usual case: RS256 with Keys().rsa under kid "rsa-1".
std::string SignRs256(const nlohmann::json& payload, std::string_view kid = "rsa-1");

// A payload a v2 Entra access token for our API would carry, valid at `now` for an hour.
nlohmann::json V2Claims(int64_t now);

}  // namespace noisett::auth::unit
