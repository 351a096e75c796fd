// The unknown_kid hint (see dev_key_hint.h).
#include "cli/dev_key_hint.h"

#include <filesystem>

#include "app/file_io.h"
#include "auth/dev_issuer.h"
#include "auth/jwks.h"
#include "auth/jws.h"

namespace noisett::cli {
namespace {

constexpr uint64_t kMaxJwksBytes = 1 << 20;

// True when `data_dir`'s dev issuer JWKS exists and holds `kid`.
bool DevIssuerHolds(const std::string& data_dir, std::string_view kid) {
  const std::string path = auth::DevJwksPath(data_dir);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  auto text = app::ReadFileCapped(path, kMaxJwksBytes);
  if (!text) return false;
  auto keys = auth::ParseJwks(*text);
  return keys && keys->Find(kid) != nullptr;
}

}  // namespace

Error WithDevKeyHint(Error e, std::string_view token, const std::string& data_dir) {
  if (e.reason != "unknown_kid") return e;
  auto jws = auth::ParseCompactJws(token);
  if (!jws || jws->kid.empty()) return e;
  const std::string dir = auth::DevIssuerDir(data_dir);
  if (DevIssuerHolds(data_dir, jws->kid)) {
    e.message += "; the token was signed by the dev issuer key in " + dir +
                 ", which the server does not trust: mint it with `noisett token --data-dir` "
                 "naming the server's data directory, or serve from " +
                 data_dir;
  } else {
    e.message += "; its key is not the dev issuer key in " + dir +
                 " either: a dev token verifies only where it was minted (`noisett token "
                 "--data-dir` naming the checking server's data directory)";
  }
  return e;
}

}  // namespace noisett::cli
