// libFuzzer target over the token parser and verifier. The first input byte picks what the rest
// feeds: 0 a whole token through the validator (parse, alg allow-list, kid lookup, signature,
// claims), 1 a JWKS document, 2 a claims object against the Entra policy, 3 base64url (which must
// round-trip exactly when it decodes), 4 the flat JSON claims reader against nlohmann (whatever it
// accepts, nlohmann must accept with the same claim values). Keys are made once at start; the
// clock stands still.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/claims.h"
#include "auth/crypto.h"
#include "auth/jwks.h"
#include "auth/jwks_cache.h"
#include "auth/token_claims.h"
#include "auth/validator.h"
#include "core/base64.h"
#include "core/clock.h"
#include "core/log.h"

namespace {

using namespace noisett;  // NOLINT: a .cc file, not a header
using namespace noisett::auth;

constexpr int64_t kNow = 1700000000;

// A JWKS held in memory: the fuzzer must not touch the file system or the network.
class MemoryJwksSource final : public JwksSource {
 public:
  explicit MemoryJwksSource(std::string jwks) : jwks_(std::move(jwks)) {}
  Result<std::string> Fetch() override { return jwks_; }
  std::string Describe() const override { return "memory"; }

 private:
  std::string jwks_;
};

std::string EcJwk(const crypto::EcComponents& ec, std::string_view kid) {
  return nlohmann::json{{"kty", "EC"}, {"crv", "P-256"}, {"kid", std::string(kid)},
                        {"x", Base64UrlEncode(ec.x)}, {"y", Base64UrlEncode(ec.y)}}
      .dump();
}

ClaimPolicy EntraPolicy() {
  ClaimPolicy policy;
  policy.issuers = {"https://login.microsoftonline.com/tenant-1/v2.0"};
  policy.audiences = {"client-1", "api://client-1"};
  policy.tenant_id = "tenant-1";
  policy.required_scope = "access_as_user";
  return policy;
}

struct Fixture {
  ManualClock clock{kNow};
  std::unique_ptr<TokenValidator> validator;

  Fixture() {
    SetLogSink([](LogLevel, std::string_view) {});  // keep the fuzzer's output readable
    auto rsa = crypto::GenerateRsaKey(2048);
    auto ec = crypto::GenerateEcP256Key();
    if (!rsa || !ec) std::abort();
    const std::string jwks = R"({"keys":[)" +
                             RsaPublicJwk(*crypto::RsaPublicComponents(*rsa), "fuzz-rsa", Alg::kRS256) +
                             "," + EcJwk(*crypto::EcPublicComponents(*ec), "fuzz-ec") + "]}";
    JwksCacheOptions options;
    options.background_refresh = false;
    auto keys = std::make_shared<JwksCache>(std::make_unique<MemoryJwksSource>(jwks), clock, options);
    if (!keys->Start()) std::abort();
    ValidatorOptions validator_options;
    validator_options.algs = {Alg::kRS256, Alg::kPS256, Alg::kES256};
    validator_options.policy = EntraPolicy();
    validator = std::make_unique<TokenValidator>(validator_options, keys, clock);
  }
};

// The reference reading of the claims, through nlohmann: nullopt where a claim has a wrong type.
std::optional<TokenClaims> ReferenceClaims(const nlohmann::json& j) {
  TokenClaims c;
  for (auto [name, slot] : {std::pair{"exp", &TokenClaims::exp}, {"nbf", &TokenClaims::nbf},
                            {"iat", &TokenClaims::iat}}) {
    if (!j.contains(name)) continue;
    if (!j[name].is_number()) return std::nullopt;
    c.*slot = j[name].get<double>();
  }
  for (auto [name, slot] :
       {std::pair{"iss", &TokenClaims::iss}, {"tid", &TokenClaims::tid}, {"oid", &TokenClaims::oid},
        {"scp", &TokenClaims::scp}, {"ver", &TokenClaims::ver}, {"name", &TokenClaims::name},
        {"preferred_username", &TokenClaims::preferred_username}, {"upn", &TokenClaims::upn},
        {"unique_name", &TokenClaims::unique_name}}) {
    if (!j.contains(name)) continue;
    if (!j[name].is_string()) return std::nullopt;
    c.*slot = j[name].get<std::string>();
  }
  for (auto [name, slot] : {std::pair{"aud", &TokenClaims::aud}, {"roles", &TokenClaims::roles}}) {
    if (!j.contains(name)) continue;
    const auto& v = j[name];
    if (std::string_view(name) == "aud" && v.is_string()) {
      c.aud = {v.get<std::string>()};
      continue;
    }
    if (!v.is_array()) return std::nullopt;
    for (const auto& e : v) {
      if (!e.is_string()) return std::nullopt;
      (c.*slot).push_back(e.get<std::string>());
    }
  }
  // Every other string-valued claim is kept by name (a configured tier claim is read there).
  static const std::set<std::string> kNamed = {
      "exp", "nbf", "iat", "iss", "tid", "oid", "scp", "ver", "name", "preferred_username",
      "upn", "unique_name", "aud", "roles"};
  for (const auto& [key, value] : j.items()) {
    if (value.is_string() && !kNamed.count(key)) c.other_strings[key] = value.get<std::string>();
  }
  return c;
}

void CheckAgainstNlohmann(std::string_view input) {
  auto ours = ReadTokenClaims(input);
  if (!ours) return;  // stricter than nlohmann is allowed; more lenient is not
  auto json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) std::abort();
  auto reference = ReferenceClaims(json);
  if (!reference || !(*reference == *ours)) std::abort();
}

Fixture& GetFixture() {
  static Fixture* fixture = new Fixture();  // lives for the whole run, like the fuzzer
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  Fixture& fixture = GetFixture();
  switch (data[0] % 5) {
    case 0:
      (void)fixture.validator->Validate(input);
      break;
    case 1:
      (void)ParseJwks(input);
      break;
    case 2: {
      auto json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
      if (json.is_object()) (void)CheckClaims(json, EntraPolicy(), kNow);
      break;
    }
    case 3: {
      auto decoded = Base64UrlDecode(input);
      if (decoded && Base64UrlEncode(*decoded) != input) std::abort();
      break;
    }
    case 4:
      CheckAgainstNlohmann(input);
      break;
  }
  return 0;
}
