// Azure links: the expiry is settled first (the caller's, capped at a week, then at the
// delegation key's expiry), and only then is everything that depends on it derived: se and the
// rscc max-age, so the two always agree. Unlike the local handler, which computes max-age when it
// serves, rscc is fixed when signing, so it is counted from the last moment the same link is
// handed out (LinkTerms::issued_until): a copy fetched then is gone when the link expires. No st:
// it would change with every call, and the link is valid from when it is signed anyway. Same
// terms and same key, same URL: browsers and CDNs keep hitting (REFERENCE.md §1.9).
#include "storage/azure/azure_link_signer.h"

#include <algorithm>

#include "storage/azure/azure_sas.h"
#include "storage/cdn.h"

namespace noisett::storage::azure {
namespace {

constexpr char kReadOnly[] = "r";

}  // namespace

AzureLinkSigner::AzureLinkSigner(const AzureClient& client,
                                 std::unique_ptr<DelegationKeyCache> keys, const Clock& clock)
    : client_(client), keys_(std::move(keys)), clock_(clock) {}

Result<std::unique_ptr<AzureLinkSigner>> AzureLinkSigner::Create(
    const AzureClient& client, std::unique_ptr<DelegationKeyCache> keys, const Clock& clock) {
  if (!client.uses_shared_key() && keys == nullptr) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "azure_no_delegation_keys",
                                "a bearer-token store signs links with user delegation keys"));
  }
  return std::unique_ptr<AzureLinkSigner>(new AzureLinkSigner(client, std::move(keys), clock));
}

Result<SignedLink> AzureLinkSigner::SignFor(std::string_view container,
                                            std::string_view blob_path, const LinkTerms& terms) {
  if (auto ok = ValidateLinkTarget(container, blob_path); !ok) return Unexpected(ok.error());
  const int64_t now = clock_.NowSeconds();
  const int64_t expires_at = terms.expires_at;
  if (expires_at <= now) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "link_bad_expiry",
                                "a link must expire in the future"));
  }
  SasFields fields{
      .account = client_.config().account,
      .container = std::string(container),
      .blob = std::string(blob_path),
      .permissions = kReadOnly,
      .start = 0,
      .expiry = std::min(expires_at, now + kMaxLinkLifetimeSeconds),
      // A SAS is a bearer secret: HTTPS only, except on loopback where Azurite may be plain HTTP.
      .protocol = client_.config().loopback() ? "https,http" : "https",
      .version = kSasVersion,
      .cache_control = "",  // set once the expiry is final
  };

  Result<std::string> query = std::string();
  if (client_.uses_shared_key()) {
    fields.cache_control = CacheControlForTerms(terms, fields.expiry, now);
    query = ServiceSasQuery(fields, client_.config().account_key);
  } else {
    auto key = keys_->Get();
    if (!key) return Unexpected(key.error());
    // A SAS stops validating when its key expires, so it must not claim to live longer.
    fields.expiry = std::min(fields.expiry, key->expiry_unix);
    if (fields.expiry <= now) {
      return Unexpected(MakeError(ErrorCode::kUnavailable, "delegation_key_expired",
                                  "the user delegation key has expired"));
    }
    fields.cache_control = CacheControlForTerms(terms, fields.expiry, now);
    query = UserDelegationSasQuery(fields, *key);
  }
  if (!query) return Unexpected(query.error());
  return SignedLink{client_.BlobUrl(container, blob_path) + "?" + *query, fields.expiry};
}

}  // namespace noisett::storage::azure
