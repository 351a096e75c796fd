// Tokens for the auth integration tests, minted by npm `jose` (tests/auth/mint.mjs) rather than by
// our own signer, plus the Entra-shaped claims they carry. Node runs once per test suite
// (SetUpTestSuite), because RSA key generation is the slow part; all times are fixed relative to
// kNow so every test can stand a ManualClock exactly where it wants.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace noisett::auth::e2e {

// 2027-01-15T08:00:00Z: a fixed "now" for the validator's ManualClock.
inline constexpr int64_t kNow = 1'800'000'000;
inline constexpr int64_t kLeeway = 60;  // the default NOISETT_AUTH_LEEWAY_S
inline constexpr const char* kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr const char* kOtherTenant = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
inline constexpr const char* kClientId = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
inline constexpr const char* kOid = "00000000-0000-0000-66f3-3332eca7ea81";

std::string V2Issuer(const std::string& tenant = kTenant);  // https://login.microsoftonline.com/T/v2.0
std::string V1Issuer(const std::string& tenant = kTenant);  // https://sts.windows.net/T/

// An Entra v2 access token's claims for this API: iat/nbf 5 min before kNow, exp 1 h after.
nlohmann::json V2Claims();
// The v1 shape: sts.windows.net issuer, api:// audience, upn and unique_name.
nlohmann::json V1Claims();

// `base` with `changes` merged in; a null value in `changes` removes the claim.
nlohmann::json With(nlohmann::json base, const nlohmann::json& changes);

// One token of a mint request (see mint.mjs for every member).
nlohmann::json TokenSpec(const std::string& name, const std::string& kid, const std::string& alg,
                         const nlohmann::json& claims);

struct MintedTokens {
  nlohmann::json jwks;        // {"keys":[every public key]}
  nlohmann::json jwk_by_kid;  // kid -> public JWK
  nlohmann::json public_pem;  // kid -> SPKI PEM
  std::map<std::string, std::string> tokens;

  // The named token; an empty string (and a test failure) when there is none.
  std::string Token(const std::string& name) const;
  // A JWKS document with just these keys, in this order.
  std::string JwksOf(const std::vector<std::string>& kids) const;
};

// Checks that node and node_modules/jose are there. Empty when they are, else what to do.
std::string JoseUnavailableReason();

// Runs mint.mjs on `request`. On failure returns false with `error` saying why (node missing,
// `npm ci` not run, the script failing with its stderr). With `keep`, the result is kept in the
// build dir for the next test process asking the same (only for requests with fixed times).
bool MintWithJose(const nlohmann::json& request, MintedTokens& out, std::string& error,
                  bool keep = true);

// Runs mint.mjs in verify mode; returns its answer ({"ok":..}) or {"ok":false,"code":"runner",..}.
nlohmann::json VerifyWithJose(const nlohmann::json& request);

}  // namespace noisett::auth::e2e
