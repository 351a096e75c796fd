// Shared Key authorization (REFERENCE.md §1.3): the Authorization header value for a request,
// from the string-to-sign that azure_client.h exposes (SharedKeyStringToSign). Pure; no logging.
// Account keys are for Azurite and development only; production uses bearer tokens.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/azure/azure_client.h"

namespace noisett::storage::azure {

// "SharedKey ACCOUNT:BASE64(HMAC-SHA256(key, string_to_sign))". `key` is the decoded key bytes.
// Errors: kInternal "crypto_failure" only when OpenSSL fails.
Result<std::string> SharedKeyAuthorization(std::string_view account, std::string_view key,
                                           std::string_view string_to_sign);

}  // namespace noisett::storage::azure
