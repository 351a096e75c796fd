// Workload identity (AKS, any Kubernetes with a federated identity): the service account token
// Kubernetes projects into AZURE_FEDERATED_TOKEN_FILE is exchanged at Entra ID for a storage
// token (client credentials grant with a JWT client assertion). The file is read again on every
// request because Kubernetes rotates it. Does not cache: see token_cache.h.
#pragma once

#include <memory>

#include "core/clock.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

// Uses settings.tenant_id, client_id, federated_token_file, authority_host, ca_file.
std::unique_ptr<TokenCredential> MakeWorkloadIdentityCredential(const CredentialSettings& settings,
                                                                const Clock& clock);

}  // namespace noisett::storage::azure
