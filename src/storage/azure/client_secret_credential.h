// Client secret (a service principal with AZURE_CLIENT_SECRET): the client credentials grant at
// Entra ID's v2.0 token endpoint. The secret goes only into the POST body, never into a URL,
// message or log. Does not cache: see token_cache.h.
#pragma once

#include <memory>

#include "core/clock.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

// Uses settings.tenant_id, client_id, client_secret, authority_host, ca_file.
std::unique_ptr<TokenCredential> MakeClientSecretCredential(const CredentialSettings& settings,
                                                            const Clock& clock);

}  // namespace noisett::storage::azure
