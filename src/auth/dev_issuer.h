// The built-in dev issuer of the embedded default: an RSA-2048 key created once in
// DATA_DIR/dev-issuer/ (key.pem, mode 0600) with its public JWKS next to it (jwks.json), and RS256
// tokens with issuer "noisett-dev", audience "noisett" and oid = the user name. The server in
// `--auth dev` mode trusts only that JWKS, through the same validator as Entra tokens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/crypto.h"
#include "core/result.h"

namespace noisett::auth {

inline constexpr std::string_view kDevIssuer = "noisett-dev";
inline constexpr std::string_view kDevAudience = "noisett";

std::string DevIssuerDir(const std::string& data_dir);
std::string DevJwksPath(const std::string& data_dir);

struct DevTokenRequest {
  std::string user;        // becomes oid and sub; must be a valid user id
  std::string name;        // default: the user name
  std::string email;       // default: USER@noisett.local
  bool admin = false;      // adds the Noisett.Admin role
  int64_t ttl_s = 3600;    // 1 s .. 7 days
  std::string scope;       // `scp`, space-separated; empty for none
};

class DevIssuer {
 public:
  // Loads the key, creating it (and the JWKS) on first use. Safe when two processes race.
  static Result<DevIssuer> Open(const std::string& data_dir);

  Result<std::string> Mint(const DevTokenRequest& request, int64_t now) const;
  const std::string& kid() const { return kid_; }

 private:
  DevIssuer(crypto::Key key, std::string kid) : key_(std::move(key)), kid_(std::move(kid)) {}
  crypto::Key key_;
  std::string kid_;
};

}  // namespace noisett::auth
