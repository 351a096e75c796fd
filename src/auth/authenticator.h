// The auth modes applied to a request's credentials. `required`: a valid bearer token or a
// refusal. `optional` (the design documents' migration mode): a request with no Authorization
// header that sends `X-Auth-Optional: true` is served as the anonymous user; a bad token is still
// refused. `dev`: as required, against the dev issuer's keys.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "auth/auth_config.h"
#include "auth/user.h"
#include "auth/validator.h"
#include "core/result.h"

namespace noisett::auth {

struct Credentials {
  std::optional<std::string_view> authorization;    // the Authorization header, if any
  std::optional<std::string_view> x_auth_optional;  // the X-Auth-Optional header, if any
};

class Authenticator {
 public:
  Authenticator(AuthMode mode, std::unique_ptr<TokenValidator> validator);

  Result<User> Authenticate(const Credentials& credentials);
  // A bare token (CLI `whoami`, NOISETT_TOKEN).
  Result<User> AuthenticateToken(std::string_view token);

  AuthMode mode() const { return mode_; }
  TokenValidator& validator() { return *validator_; }

 private:
  AuthMode mode_;
  std::unique_ptr<TokenValidator> validator_;
};

// Ok for an admin; kPermissionDenied "not_admin" otherwise (HTTP 403).
Status RequireAdmin(const User& user);

// "Bearer abc" -> "abc". Scheme case-insensitive; exactly one token68. Error: malformed.
Result<std::string_view> BearerToken(std::string_view authorization);

}  // namespace noisett::auth
