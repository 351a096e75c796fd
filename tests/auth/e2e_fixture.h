// What most auth integration tests share: one catalog of jose-minted tokens (node runs once per
// test process), a JWKS served on loopback, a ManualClock standing at kNow, validators built the
// way the server builds them (MakeValidator from an Entra-shaped AuthConfig), captured log lines,
// and refusal assertions that check the stable reason and that no message or log line holds a
// token.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/auth_config.h"
#include "auth/jose_tokens.h"
#include "auth/refusal.h"
#include "auth/validator.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/result.h"
#include "support/loopback_http_server.h"

namespace noisett::auth::e2e {

// Keys: rsa-1 and rsa-2 (JWK alg RS256), rsa-ps (RSA without a JWK alg, for PS256) and ec-1
// (P-256, JWK alg ES256). Tokens: see the list in e2e_fixture.cc. Minted on first use; nullptr
// and `error` set when node or jose is missing or mint.mjs failed.
const MintedTokens* Catalog(std::string* error);

// Every log line while it lives (thread-safe); restores the previous sink on destruction.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> Lines() const;
  // Lines at `level` or above that contain `needle`.
  int Count(LogLevel level, const std::string& needle) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
  LogSink previous_;
};

// The settings of a deployment with tenant kTenant and client kClientId whose JWKS is at
// `jwks_url`. No background refresh: the tests count every fetch.
AuthConfig EntraConfig(const std::string& jwks_url);

// Asserts `result` is a refusal (kUnauthenticated) with `reason`, whose message does not contain
// `token` (nor its signature).
template <typename T>
::testing::AssertionResult IsRefusal(const Result<T>& result, std::string_view reason,
                                     const std::string& token = "");

// The lines, one per line, for failure messages.
std::string JoinLines(const std::vector<std::string>& lines);

// True when `text` contains `token` or, for a JWS, its payload or signature part.
bool ContainsTokenText(const std::string& text, const std::string& token);

// The base of the suites: the catalog, a loopback JWKS server with rsa-1, rsa-ps and ec-1, a
// clock at kNow and captured logs. After each test no log line may hold any catalog token.
class AuthE2eTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& Token(const std::string& name) const;
  // A validator from `config` on clock_ (MakeValidator), failing the test when it cannot be made.
  std::unique_ptr<TokenValidator> MakeEntraValidator(const AuthConfig& config);
  std::unique_ptr<TokenValidator> MakeEntraValidator() {
    return MakeEntraValidator(EntraConfig(server_.Url("/keys")));
  }

  const MintedTokens* tokens_ = nullptr;
  testing::LoopbackHttpServer server_;
  ManualClock clock_{kNow};
  LogCapture logs_;
};

template <typename T>
::testing::AssertionResult IsRefusal(const Result<T>& result, std::string_view reason,
                                     const std::string& token) {
  if (result.has_value()) {
    return ::testing::AssertionFailure() << "accepted; expected the refusal " << reason;
  }
  const Error& e = result.error();
  if (e.code != ErrorCode::kUnauthenticated || e.reason != reason) {
    return ::testing::AssertionFailure() << "refused with " << ErrorCodeName(e.code) << " "
                                         << e.ToString() << "; expected unauthenticated "
                                         << reason;
  }
  if (!token.empty() && ContainsTokenText(e.message, token)) {
    return ::testing::AssertionFailure() << "the refusal message contains the token";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace noisett::auth::e2e
