// Where the Azure store is and how to reach it: account, container, blob endpoint, optional
// account key, from NOISETT_STORE=azure://ACCOUNT/CONTAINER, AZURE_STORAGE_ACCOUNT +
// AZURE_STORAGE_CONTAINER, AZURE_STORAGE_BLOB_ENDPOINT (Azurite, sovereign clouds) or
// AZURE_STORAGE_CONNECTION_STRING. Pure parsing; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::storage::azure {

// The REST version sent as x-ms-version on every request: current, and below Azurite 3.37's
// baseline (2026-06-06), so the emulator takes it without --skipApiVersionCheck.
inline constexpr char kRestVersion[] = "2025-11-05";
// The signed version (sv) of every SAS Noisett makes. 2026-04-06 would add two string-to-sign
// lines and Azurite 3.37 refuses it (REFERENCE.md §6); 2025-07-05 is accepted by both.
inline constexpr char kSasVersion[] = "2025-07-05";

struct AzureConfig {
  std::string account;                       // "mystorageacct", "devstoreaccount1"
  std::string container = "noisett-storage";
  // No trailing '/'. "https://ACCOUNT.blob.core.windows.net" by default; for Azurite the
  // path-style "https://127.0.0.1:10000/devstoreaccount1". Blob URL = endpoint/container/blob.
  std::string endpoint;
  std::string account_key;  // base64 as Azure shows it; empty when there is none (production)
  std::string ca_file;      // NOISETT_AZURE_CA_FILE: PEM bundle trusted instead of the system's

  // True when the endpoint is path-style (Azurite, IP hosts): the account is the first path
  // segment, which Shared Key's canonicalized resource then repeats.
  bool path_style() const;
  // True for 127.0.0.0/8, ::1 and localhost endpoints (SAS spr=https,http; no key warning).
  bool loopback() const;
};

// "azure://ACCOUNT/CONTAINER" (container optional: the default). Errors: kInvalidArgument
// "bad_store_url" (account 3-24 of [a-z0-9], container Azure's rules).
Result<AzureConfig> ParseAzureStoreUrl(std::string_view url);

// "DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;BlobEndpoint=...;
// EndpointSuffix=core.windows.net" and "UseDevelopmentStorage=true" (Azurite's well-known
// account on http://127.0.0.1:10000). Errors: kInvalidArgument "bad_connection_string".
Result<AzureConfig> ParseConnectionString(std::string_view text);

// What the flags/environment gave; empty = not given.
struct AzureSettings {
  std::string store_url;          // NOISETT_STORE when it starts with azure://
  std::string account;            // AZURE_STORAGE_ACCOUNT
  std::string container;          // AZURE_STORAGE_CONTAINER
  std::string endpoint;           // AZURE_STORAGE_BLOB_ENDPOINT
  std::string connection_string;  // AZURE_STORAGE_CONNECTION_STRING
  std::string account_key;        // AZURE_STORAGE_KEY
  std::string ca_file;            // NOISETT_AZURE_CA_FILE
};

// Combines the settings: the connection string first, then the store URL / account, then the
// endpoint and key overrides. Errors: kInvalidArgument naming the setting at fault.
Result<AzureConfig> ResolveAzureConfig(const AzureSettings& settings);

}  // namespace noisett::storage::azure
