// Links to blobs in Azure: a user delegation SAS when the store uses a bearer credential, a
// service SAS when only an account key is configured (Azurite). Read-only (sp=r, sr=b),
// spr=https except for loopback endpoints, no start (valid from signing), expiry capped at 7 days
// and never past the delegation key's expiry, rscc so the Cache-Control Azure serves never
// outlives the link. Implements LinkSigner; the URL is the blob's own (AzureClient::BlobUrl) + "?" + SAS.
#pragma once

#include <memory>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "storage/azure/azure_client.h"
#include "storage/azure/delegation_key_cache.h"
#include "storage/link_signer.h"

namespace noisett::storage::azure {

class AzureLinkSigner final : public LinkSigner {
 public:
  // Service SAS with client.config().account_key when set, else user delegation SAS with keys
  // from `keys` (required then: kInvalidArgument "azure_no_delegation_keys" without them).
  // `client` and `clock` must outlive the signer.
  static Result<std::unique_ptr<AzureLinkSigner>> Create(
      const AzureClient& client, std::unique_ptr<DelegationKeyCache> keys, const Clock& clock);

  // rscc is CacheControlForTerms ("public, max-age=N, immutable", N = seconds from the last
  // moment these terms are handed out to se), the phrase the local blob handler serves. Errors:
  // those of LinkSigner, plus the key fetch's (kUnavailable, kPermissionDenied) and kUnavailable
  // "delegation_key_expired".
  Result<SignedLink> SignFor(std::string_view container, std::string_view blob_path,
                             const LinkTerms& terms) override;

 private:
  AzureLinkSigner(const AzureClient& client, std::unique_ptr<DelegationKeyCache> keys,
                  const Clock& clock);
  const AzureClient& client_;
  std::unique_ptr<DelegationKeyCache> keys_;
  const Clock& clock_;
};

}  // namespace noisett::storage::azure
