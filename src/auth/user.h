// The person behind a request, as established from a validated token (or the anonymous user of
// the optional-auth migration mode). Everything downstream keys data by user_id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace noisett::auth {

// The app role that marks an administrator (lifecycle.run, other people's data).
inline constexpr std::string_view kAdminRole = "Noisett.Admin";
// user_id of requests served without a token in `optional` mode.
inline constexpr std::string_view kAnonymousUserId = "anonymous";

struct User {
  std::string user_id;        // Entra `oid` (dev issuer: the user name); a safe path segment
  std::string tenant_id;      // `tid`; empty for dev tokens and the anonymous user
  std::string email;          // v2 `preferred_username`, v1 `upn` / `unique_name`; display only
  std::string name;           // display only
  std::vector<std::string> roles;
  std::vector<std::string> scopes;  // from the space-separated `scp`
  std::string token_version;  // `ver`: "1.0", "2.0", or empty when absent
  // The configured tier claim's value as the token says it (NOISETT_TIER_CLAIM), unchecked: the
  // service accepts only a known subscription tier. Empty: no claim, the catalog's tier holds.
  std::string subscription_tier;
  bool anonymous = false;

  bool is_admin() const;
};

// user_id must match [A-Za-z0-9_-]{1,64}: it becomes a blob path segment.
bool IsValidUserId(std::string_view id);

// {"user_id":..,"tenant_id":..,"email":..,"name":..,"roles":[..],"scopes":[..],"admin":..,
//  "anonymous":..,"token_version":..}
std::string UserToJson(const User& user);

}  // namespace noisett::auth
