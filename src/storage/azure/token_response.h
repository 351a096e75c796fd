// Reading what a token endpoint answered: the access token and its expiry from a success body
// (Entra ID's v2.0 endpoint, IMDS, App Service / Container Apps identity), or a short, safe
// description of an error body. Pure: no I/O, no logging. Sending the request is token_request.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

// The token from a JSON success body. The expiry is `now + expires_in` when expires_in is there
// (relative, so immune to clock skew against the issuer), else `expires_on` (Unix seconds); either
// may be a JSON number or a string of digits, as IMDS and App Service send them. The token must
// be a non-empty run of visible ASCII (it goes into an Authorization header as is).
// Errors: kUnauthenticated "credential_failed" saying what is wrong (never echoing the body).
Result<AccessToken> ParseTokenResponse(std::string_view body, int64_t now);

// "invalid_client: AADSTS7000215: Invalid client secret provided. ..." from an error body's
// `error` / `error_description` (Entra ID, IMDS), `error.code` / `error.message` or `message`
// (App Service), with `secrets` redacted before anything is cut or folded, then printable ASCII
// only and at most ~400 characters; "N-byte non-JSON body" or "empty body" when there is nothing
// to quote.
std::string DescribeTokenError(std::string_view body, const std::vector<std::string>& secrets);

// `text` with every occurrence of each secret, raw or percent-encoded (as a form body carries
// it), replaced by "[redacted]". Secrets under 4 characters are left alone.
std::string RedactSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace noisett::storage::azure
