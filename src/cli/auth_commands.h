// `noisett token` (the dev issuer) and `noisett whoami` (the validator the server uses, on one
// token), with the identity settings of app::Config.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "app/config.h"

namespace noisett::cli {

struct TokenArgs {
  std::string user;
  std::string name;
  std::string email;
  bool admin = false;
  std::string ttl = "1h";
  std::optional<std::string> scope;  // --scope; none: NOISETT_AUTH_SCOPE
};

// Prints the token alone on `out`. Exit status: 0, or 2 with the reason on `err`.
int RunToken(const TokenArgs& args, const app::Config& config, std::FILE* out, std::FILE* err);

// Checks config.token. Prints the User as JSON (exit 0) or {"error":{code, reason, message}}
// (exit 1) on `out`; configuration problems go to `err` with exit 2.
int RunWhoami(const app::Config& config, std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
