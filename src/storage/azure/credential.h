// Bearer tokens for Azure Storage (resource https://storage.azure.com/) from Microsoft Entra ID,
// chosen like the SDKs' DefaultAzureCredential: workload identity, managed identity (Container
// Apps / App Service IDENTITY_ENDPOINT, or IMDS), client secret. Account keys are not a token
// credential: AzureClient signs with Shared Key itself when a key is configured.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace noisett::storage::azure {

inline constexpr char kStorageScope[] = "https://storage.azure.com/.default";
inline constexpr char kStorageResource[] = "https://storage.azure.com/";

struct AccessToken {
  std::string token;
  int64_t expires_on = 0;  // Unix seconds
};

class TokenCredential {
 public:
  virtual ~TokenCredential() = default;
  // A token valid for at least a few more minutes. Thread-safe. Errors: kUnauthenticated
  // "credential_failed" (the endpoint refused; message has its error text, never a secret),
  // kUnavailable "credential_unreachable".
  virtual Result<AccessToken> GetToken() = 0;
  // "workload identity (client 1234...)", for logs; no secrets.
  virtual std::string Describe() const = 0;
};

// What the environment gave (empty = unset).
struct CredentialSettings {
  std::string tenant_id;             // AZURE_TENANT_ID
  std::string client_id;             // AZURE_CLIENT_ID: workload identity and client secret
  // NOISETT_AZURE_IDENTITY_CLIENT_ID: a user-assigned managed identity's client id; empty for the
  // system-assigned one. Not AZURE_CLIENT_ID, which Noisett's token validation reads as the API's
  // own application id: sending that to the identity endpoint would be refused.
  std::string identity_client_id;
  std::string client_secret;         // AZURE_CLIENT_SECRET
  std::string federated_token_file;  // AZURE_FEDERATED_TOKEN_FILE
  std::string authority_host = "https://login.microsoftonline.com";  // AZURE_AUTHORITY_HOST
  std::string identity_endpoint;     // IDENTITY_ENDPOINT (Container Apps, App Service)
  std::string identity_header;       // IDENTITY_HEADER
  // NOISETT_IMDS_ENDPOINT: the IMDS base, for tests; http://169.254.169.254 by default.
  std::string imds_endpoint = "http://169.254.169.254";
  std::string ca_file;               // NOISETT_AZURE_CA_FILE
};

// The chain: workload identity when AZURE_FEDERATED_TOKEN_FILE + AZURE_CLIENT_ID +
// AZURE_TENANT_ID are set; managed identity (IDENTITY_ENDPOINT + IDENTITY_HEADER, else IMDS);
// client secret when AZURE_CLIENT_SECRET + AZURE_CLIENT_ID + AZURE_TENANT_ID are set. The first
// whose GetToken succeeds is kept for good. Tokens are cached and refreshed 5 minutes before
// expiry, one refresh at a time across threads. `clock` must outlive the credential.
std::unique_ptr<TokenCredential> MakeDefaultCredential(const CredentialSettings& settings,
                                                       const Clock& clock);

}  // namespace noisett::storage::azure
