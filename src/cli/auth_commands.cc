// token and whoami.
#include "cli/auth_commands.h"

#include <nlohmann/json.hpp>

#include "auth/authenticator.h"
#include "auth/dev_issuer.h"
#include "cli/dev_key_hint.h"
#include "core/clock.h"
#include "core/units.h"

namespace noisett::cli {
namespace {

int Fail(std::FILE* err, const char* command, const Error& error) {
  std::fprintf(err, "noisett %s: %s\n", command, error.ToString().c_str());
  return 2;
}

}  // namespace

int RunToken(const TokenArgs& args, const app::Config& config, std::FILE* out, std::FILE* err) {
  auto ttl = ParseDuration(args.ttl);
  if (!ttl) return Fail(err, "token", ttl.error());
  if (!auth::IsValidUserId(args.user)) {
    return Fail(err, "token", MakeError(ErrorCode::kInvalidArgument, "bad_user",
                                        "--user must match [A-Za-z0-9_-]{1,64}"));
  }
  auto issuer = auth::DevIssuer::Open(config.data_dir);
  if (!issuer) return Fail(err, "token", issuer.error());
  auth::DevTokenRequest request{args.user,  args.name,
                                args.email, args.admin,
                                *ttl,       args.scope.value_or(config.auth.required_scope)};
  auto token = issuer->Mint(request, SystemClock::Instance().NowSeconds());
  if (!token) return Fail(err, "token", token.error());
  std::fprintf(out, "%s\n", token->c_str());
  return 0;
}

int RunWhoami(const app::Config& config, std::FILE* out, std::FILE* err) {
  auth::AuthConfig auth = config.auth;
  auth.cache.background_refresh = false;  // one token, then exit
  auto validator = auth::MakeValidator(auth, SystemClock::Instance());
  if (!validator) return Fail(err, "whoami", validator.error());
  auth::Authenticator authenticator(auth.mode, std::move(*validator));
  auto user = authenticator.AuthenticateToken(config.token);
  if (!user) {
    const Error e = WithDevKeyHint(user.error(), config.token, config.data_dir);
    const nlohmann::json refusal = {
        {"error",
         {{"code", std::string(ErrorCodeName(e.code))}, {"reason", e.reason}, {"message", e.message}}}};
    std::fprintf(out, "%s\n", refusal.dump().c_str());
    return 1;
  }
  std::fprintf(out, "%s\n", auth::UserToJson(*user).c_str());
  return 0;
}

}  // namespace noisett::cli
