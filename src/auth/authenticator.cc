// Auth modes over request credentials.
#include "auth/authenticator.h"

#include "auth/refusal.h"
#include "core/metric_names.h"
#include "core/metrics.h"
#include "core/text.h"

namespace noisett::auth {
namespace {

User AnonymousUser() {
  User user;
  user.user_id = std::string(kAnonymousUserId);
  user.name = "Anonymous";
  user.anonymous = true;
  return user;
}

// noisett_token_validations_total{result}: "ok", "anonymous" or the refusal reason, so a burst
// of expired or forged tokens shows on /metrics.
Result<User> Counted(Result<User> result) {
  std::string outcome = result ? (result->anonymous ? "anonymous" : "ok") : result.error().reason;
  metrics::Global()
      .GetCounter(metrics::names::kTokenValidations, metrics::names::kTokenValidationsHelp,
                  {{"result", std::move(outcome)}})
      .Inc();
  return result;
}

}  // namespace

Result<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !EqualsIgnoreCase(authorization.substr(0, space), kScheme)) {
    return Unexpected(Refusal(reason::kMalformed, "Authorization must use the Bearer scheme"));
  }
  std::string_view token = authorization.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.find(' ') != std::string_view::npos) {
    return Unexpected(Refusal(reason::kMalformed, "Bearer must be followed by exactly one token"));
  }
  return token;
}

Authenticator::Authenticator(AuthMode mode, std::unique_ptr<TokenValidator> validator)
    : mode_(mode), validator_(std::move(validator)) {}

Result<User> Authenticator::Authenticate(const Credentials& credentials) {
  return Counted([&]() -> Result<User> {
    if (!credentials.authorization || credentials.authorization->empty()) {
      // The migration mode of the design documents: opt-in per request, and only when the
      // server runs with --auth optional.
      if (mode_ == AuthMode::kOptional && credentials.x_auth_optional &&
          EqualsIgnoreCase(*credentials.x_auth_optional, "true")) {
        return AnonymousUser();
      }
      return Unexpected(Refusal(reason::kMissing, "no bearer token"));
    }
    auto token = BearerToken(*credentials.authorization);
    if (!token) return Unexpected(token.error());
    return validator_->Validate(*token);
  }());
}

Result<User> Authenticator::AuthenticateToken(std::string_view token) {
  if (token.empty()) return Counted(Unexpected(Refusal(reason::kMissing, "no token given")));
  return Counted(validator_->Validate(token));
}

Status RequireAdmin(const User& user) {
  if (user.is_admin()) return Ok();
  return Unexpected(MakeError(ErrorCode::kPermissionDenied, std::string(reason::kNotAdmin),
                              "this needs the " + std::string(kAdminRole) + " role"));
}

}  // namespace noisett::auth
