// token and whoami.
#include "cli/auth_commands.h"

#include <nlohmann/json.hpp>

#include "auth/authenticator.h"
#include "auth/dev_issuer.h"
#include "core/clock.h"
#include "core/env.h"

namespace noisett::cli {
namespace {

int Fail(std::FILE* err, const char* command, const Error& error) {
  std::fprintf(err, "noisett %s: %s\n", command, error.ToString().c_str());
  return 2;
}

}  // namespace

Result<auth::AuthConfig> AuthConfigFromFlags(const AuthFlags& flags) {
  auth::AuthConfig config;
  auto mode = auth::ParseAuthMode(flags.mode);
  if (!mode) return Unexpected(mode.error());
  config.mode = *mode;
  config.data_dir = flags.data_dir;
  config.tenant_id = flags.tenant_id;
  config.client_id = flags.client_id;
  config.issuer = flags.issuer;
  config.accept_v1 = flags.accept_v1;
  config.audiences = auth::SplitList(flags.audiences);
  auto algs = auth::ParseAlgList(flags.algs);
  if (!algs) return Unexpected(algs.error());
  config.algs = *algs;
  auto leeway = ParseUintWithSuffix(flags.leeway_s, "NOISETT_AUTH_LEEWAY_S");
  if (!leeway) return Unexpected(leeway.error());
  config.leeway_s = int64_t(std::min<uint64_t>(*leeway, 1u << 30));
  config.required_scope = flags.scope;
  config.tier_claim = flags.tier_claim;
  config.jwks_url = flags.jwks_url;
  config.jwks_file = flags.jwks_file;
  return config;
}

int RunToken(const TokenArgs& args, std::FILE* out, std::FILE* err) {
  auto ttl = auth::ParseDuration(args.ttl);
  if (!ttl) return Fail(err, "token", ttl.error());
  if (!auth::IsValidUserId(args.user)) {
    return Fail(err, "token", MakeError(ErrorCode::kInvalidArgument, "bad_user",
                                        "--user must match [A-Za-z0-9_-]{1,64}"));
  }
  auto issuer = auth::DevIssuer::Open(args.data_dir);
  if (!issuer) return Fail(err, "token", issuer.error());
  auth::DevTokenRequest request{args.user, args.name, args.email, args.admin, *ttl, args.scope};
  auto token = issuer->Mint(request, SystemClock::Instance().NowSeconds());
  if (!token) return Fail(err, "token", token.error());
  std::fprintf(out, "%s\n", token->c_str());
  return 0;
}

int RunWhoami(const AuthFlags& flags, const std::string& token, std::FILE* out, std::FILE* err) {
  auto config = AuthConfigFromFlags(flags);
  if (!config) return Fail(err, "whoami", config.error());
  config->cache.background_refresh = false;  // one token, then exit
  auto validator = auth::MakeValidator(*config, SystemClock::Instance());
  if (!validator) return Fail(err, "whoami", validator.error());
  auth::Authenticator authenticator(config->mode, std::move(*validator));
  auto user = authenticator.AuthenticateToken(token);
  if (!user) {
    const Error& e = user.error();
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
