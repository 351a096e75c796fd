// Managed identity, the two ways Azure hands it to a process:
// - App Service / Container Apps: GET {IDENTITY_ENDPOINT}?resource=...&api-version=2019-08-01
//   [&client_id=...] with the X-IDENTITY-HEADER the platform put in IDENTITY_HEADER.
// - IMDS (VMs, AKS nodes): GET {imds}/metadata/identity/oauth2/token?api-version=2018-02-01
//   &resource=...[&client_id=...] with `Metadata: true`, and a 1 s connect timeout so that a
//   machine without IMDS fails fast.
// `client_id` selects a user-assigned identity. Neither caches: see token_cache.h. Azure Arc,
// Service Fabric and Cloud Shell variants are not supported.
#pragma once

#include <memory>

#include "core/clock.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

// Uses settings.identity_endpoint, identity_header, client_id, ca_file.
std::unique_ptr<TokenCredential> MakeAppServiceIdentityCredential(
    const CredentialSettings& settings, const Clock& clock);

// Uses settings.imds_endpoint, client_id, ca_file.
std::unique_ptr<TokenCredential> MakeImdsCredential(const CredentialSettings& settings,
                                                    const Clock& clock);

// App Service / Container Apps when IDENTITY_ENDPOINT and IDENTITY_HEADER are both set, else IMDS.
std::unique_ptr<TokenCredential> MakeManagedIdentityCredential(const CredentialSettings& settings,
                                                               const Clock& clock);

}  // namespace noisett::storage::azure
