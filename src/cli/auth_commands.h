// `noisett token` (the dev issuer) and `noisett whoami` (the validator the server uses, on one
// token). Settings arrive as strings from flags or their environment variables; turning them
// into an AuthConfig lives here so `serve` can share it.
#pragma once

#include <cstdio>
#include <string>

#include "auth/auth_config.h"
#include "core/result.h"

namespace noisett::cli {

// Every authentication setting as the operator typed it (empty = not given).
struct AuthFlags {
  std::string mode = "required";
  std::string data_dir = "./data";
  std::string tenant_id;
  std::string client_id;
  std::string issuer;
  bool accept_v1 = false;
  std::string audiences;
  std::string algs = "RS256";
  std::string leeway_s = "60";
  std::string scope;
  std::string tier_claim;
  std::string jwks_url;
  std::string jwks_file;
};

Result<auth::AuthConfig> AuthConfigFromFlags(const AuthFlags& flags);

struct TokenArgs {
  std::string data_dir = "./data";
  std::string user;
  std::string name;
  std::string email;
  bool admin = false;
  std::string ttl = "1h";
  std::string scope;
};

// Prints the token alone on `out`. Exit status: 0, or 2 with the reason on `err`.
int RunToken(const TokenArgs& args, std::FILE* out, std::FILE* err);

// Prints the User as JSON (exit 0) or {"error":{code, reason, message}} (exit 1) on `out`;
// configuration problems go to `err` with exit 2.
int RunWhoami(const AuthFlags& flags, const std::string& token, std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
