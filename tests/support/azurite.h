// The Azurite blob service the Azure suites talk to, and small helpers around it.
//
// scripts/test.sh starts one Azurite (HTTPS, --oauth basic) for the whole run and exports
// NOISETT_TEST_AZURITE_ENDPOINT and NOISETT_TEST_AZURITE_CA; Azurite() then just reads them. A test
// binary run by hand, without those variables, starts its own through scripts/azurite.sh on first
// use (a few seconds, once per process) and stops it when the process exits (a watchdog stops it
// too if the process is killed). Every test should work in its own container
// (UniqueContainerName), so tests can share one Azurite, in parallel, across both builds.
//
//   const auto& az = noisett::testing::Azurite();
//   ASSERT_TRUE(az.ok()) << az.error;
//   config.endpoint = az.endpoint; config.ca_file = az.ca_file; config.account_key = az.key;
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace noisett::testing {

// Azurite's well-known development account and its published key (not a secret).
inline constexpr char kAzuriteAccount[] = "devstoreaccount1";
inline constexpr char kAzuriteKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

struct AzuriteInfo {
  std::string endpoint;  // "https://127.0.0.1:PORT/devstoreaccount1" (path-style, no '/' at end)
  std::string ca_file;   // the self-signed certificate Azurite serves (PEM)
  std::string account = kAzuriteAccount;
  std::string key = kAzuriteKey;
  std::string error;  // why Azurite is not available; empty when it is

  bool ok() const { return error.empty() && !endpoint.empty(); }
};

// The Azurite of this test run (see above). Thread-safe; starts at most one per process.
const AzuriteInfo& Azurite();

// A container name no other test (in this or any other process) uses: Azure's rules (3..63 of
// [a-z0-9-], no leading, trailing or double '-'), made from `hint` (e.g. the test's name), the
// process id and a counter.
std::string UniqueContainerName(std::string_view hint = "t");

// The current gtest test's name as a hint for UniqueContainerName ("putget" from "PutGet/1").
std::string CurrentTestHint();

// The claims of an Entra ID v1 access token for Azure Storage, as Azurite's --oauth basic checks
// them (iss https://sts.windows.net/{tid}/, aud https://storage.azure.com, nbf/iat/exp).
struct AzureTokenClaims {
  std::string oid = "0f5b3c5e-2c6a-4b7a-9d61-6a1d2e3f4a5b";
  std::string tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  std::string audience = "https://storage.azure.com";
  std::string issuer;      // "": the v1 issuer https://sts.windows.net/{tid}/
  int64_t not_before = 0;  // also iat; 0: now - 60 s
  int64_t expires = 0;     // 0: now + 1 h
};

// An unsigned JWT ({"alg":"none","typ":"JWT"} header, empty signature) with those claims. Azurite
// does not verify token signatures, only the claims; a real Azure account refuses it. For tests
// only: never a credential anywhere else.
std::string UnsignedAzureToken(const AzureTokenClaims& claims = {});

}  // namespace noisett::testing
