// Get User Delegation Key over the REST client. Asking twice only yields a second key, so the
// call is safe to retry.
#include "storage/azure/azure_client.h"
#include "storage/azure/delegation_key_cache.h"

namespace noisett::storage::azure {

DelegationKeyCache::Fetch FetchDelegationKeyWith(AzureClient& client) {
  return [&client](int64_t start, int64_t expiry) -> Result<UserDelegationKey> {
    // Built in one go: assigning literals to default strings trips g++ 12's -Wrestrict.
    const AzureRequest request{
        .method = "POST",
        .path = "/",
        .query = {{"restype", "service"}, {"comp", "userdelegationkey"}},
        .headers = {{"Content-Type", "application/xml"}},
        .body = DelegationKeyRequestBody(start, expiry),
        .idempotent = true,
    };
    auto response = client.Send(request);
    if (!response) return Unexpected(response.error());
    return ParseDelegationKeyResponse(response->body);
  };
}

}  // namespace noisett::storage::azure
