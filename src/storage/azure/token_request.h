// One token request, sent and judged the same way for every credential: the URL rule (TLS, or
// loopback, or the IMDS link-local address), timeouts, a small body cap, HTTP status to
// kUnauthenticated / kUnavailable, and secrets scrubbed from every message. The credentials build
// the request (managed_identity_credential.cc, workload_identity_credential.cc,
// client_secret_credential.cc); parsing is token_response.h.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"
#include "storage/azure/credential.h"

namespace noisett::storage::azure {

struct TokenHttpOptions {
  long connect_timeout_ms = 5000;
  long timeout_ms = 15000;
  // IMDS is plain http on the link-local 169.254.169.254 by design (it never leaves the host);
  // only the IMDS credential sets this.
  bool allow_imds_http = false;
  // NOISETT_AZURE_CA_FILE: the PEM bundle trusted instead of the system's (a test's self-signed
  // token endpoint); empty: the system's.
  std::string ca_file;
};

// Sends `request` and returns the token it answers. Values in `secrets` (a client secret, a
// federated assertion, an identity header) are replaced by "[redacted]" in any error message.
// Errors: kUnauthenticated "credential_failed" (URL refused, 4xx, malformed or oversized
// response), kUnavailable "credential_unreachable" (network error, timeout, 429, 5xx); the message
// starts with the method and URL without its query.
Result<AccessToken> RequestToken(const net::HttpRequestSpec& request,
                                 const TokenHttpOptions& options, const Clock& clock,
                                 const std::vector<std::string>& secrets);

// "a=1&b=x%20y": an application/x-www-form-urlencoded body, values percent-encoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

// "{authority}/{tenant}/oauth2/v2.0/token", tolerating a trailing '/' on the authority. Errors:
// kUnauthenticated "credential_failed" when the tenant is not a GUID or domain-like name (it
// becomes a path segment).
Result<std::string> EntraTokenUrl(std::string_view authority_host, std::string_view tenant);

// The POST every Entra ID client-credentials grant sends: form body plus content type.
net::HttpRequestSpec EntraTokenPost(std::string url,
                                    const std::vector<std::pair<std::string, std::string>>& form);

// Drops trailing '/' characters: "http://h:1/" -> "http://h:1".
std::string TrimTrailingSlashes(std::string_view url);

// "1234abcd..." for logs and Describe(): enough to tell identities apart, not the whole id.
std::string ShortId(std::string_view id);

}  // namespace noisett::storage::azure
