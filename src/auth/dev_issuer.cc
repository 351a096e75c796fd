// The dev issuer: key creation (once, race-safe), its JWKS, and RS256 minting.
#include "auth/dev_issuer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "auth/jwks.h"
#include "auth/user.h"
#include "core/base64.h"

namespace noisett::auth {
namespace {

constexpr int64_t kMaxTtl = 7 * 24 * 3600;

Unexpected Fail(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInternal, "dev_issuer", std::move(message)));
}

std::string KeyPath(const std::string& data_dir) { return DevIssuerDir(data_dir) + "/key.pem"; }

// Unique per process and call, so concurrent first opens (threads or processes) never collide.
std::string TempName(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid()) + "-" +
         Base64UrlEncode(crypto::RandomBytes(6));
}

Status WriteNewFile(const std::string& path, std::string_view data, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Fail("cannot create " + path + ": " + std::strerror(errno));
  const bool ok = ::write(fd, data.data(), data.size()) == ssize_t(data.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Fail("cannot write " + path);
  }
  return Ok();
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Creates the key unless it exists. link() publishes the finished file under its final name
// only if no other process got there first, so two concurrent first runs agree on one key.
Result<crypto::Key> LoadOrCreateKey(const std::string& data_dir) {
  const std::string path = KeyPath(data_dir);
  if (::access(path.c_str(), F_OK) != 0) {
    auto key = crypto::GenerateRsaKey(2048);
    if (!key) return Unexpected(key.error());
    auto pem = crypto::PrivateKeyToPem(*key);
    if (!pem) return Unexpected(pem.error());
    const std::string temp = TempName(path);
    if (auto s = WriteNewFile(temp, *pem, 0600); !s) return Unexpected(s.error());
    const int linked = ::link(temp.c_str(), path.c_str());
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (linked != 0 && link_errno != EEXIST) {
      return Fail("cannot create " + path + ": " + std::strerror(link_errno));
    }
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return Fail("cannot stat " + path);
  if ((st.st_mode & 077) != 0) {
    return Fail(path + " is readable by others; run chmod 600 on it (or delete it for a new key)");
  }
  auto pem = ReadSmallFile(path);
  if (!pem) return Unexpected(pem.error());
  return crypto::PrivateKeyFromPem(*pem);
}

// RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no spaces.
std::string Thumbprint(const crypto::RsaComponents& rsa) {
  const std::string canonical = R"({"e":")" + Base64UrlEncode(rsa.exponent) +
                                R"(","kty":"RSA","n":")" + Base64UrlEncode(rsa.modulus) + R"("})";
  const auto digest = crypto::Sha256(canonical);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

// Rewrites jwks.json when it does not hold exactly this key (atomic: temp file + rename).
Status WriteJwks(const std::string& data_dir, const crypto::RsaComponents& rsa,
                 const std::string& kid) {
  const std::string path = DevJwksPath(data_dir);
  const std::string jwks = R"({"keys":[)" + RsaPublicJwk(rsa, kid, Alg::kRS256) + "]}\n";
  if (auto current = ReadSmallFile(path); current && *current == jwks) return Ok();
  const std::string temp = TempName(path);
  if (auto s = WriteNewFile(temp, jwks, 0644); !s) return s;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Fail("cannot write " + path + ": " + std::strerror(errno));
  }
  return Ok();
}

}  // namespace

std::string DevIssuerDir(const std::string& data_dir) { return data_dir + "/dev-issuer"; }
std::string DevJwksPath(const std::string& data_dir) { return DevIssuerDir(data_dir) + "/jwks.json"; }

Result<DevIssuer> DevIssuer::Open(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(DevIssuerDir(data_dir), ec);
  if (ec) return Fail("cannot create " + DevIssuerDir(data_dir) + ": " + ec.message());
  ::chmod(DevIssuerDir(data_dir).c_str(), 0700);
  auto key = LoadOrCreateKey(data_dir);
  if (!key) return Unexpected(key.error());
  auto rsa = crypto::RsaPublicComponents(*key);
  if (!rsa) return Unexpected(rsa.error());
  std::string kid = Thumbprint(*rsa);
  if (auto s = WriteJwks(data_dir, *rsa, kid); !s) return Unexpected(s.error());
  return DevIssuer(std::move(*key), std::move(kid));
}

Result<std::string> DevIssuer::Mint(const DevTokenRequest& request, int64_t now) const {
  if (!IsValidUserId(request.user)) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_user",
                                "user must match [A-Za-z0-9_-]{1,64}"));
  }
  if (request.ttl_s < 1 || request.ttl_s > kMaxTtl) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_ttl",
                                "ttl must be between 1 second and 7 days"));
  }
  const nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}};
  nlohmann::json payload = {
      {"iss", kDevIssuer},
      {"aud", kDevAudience},
      {"sub", request.user},
      {"oid", request.user},
      {"name", request.name.empty() ? request.user : request.name},
      {"preferred_username", request.email.empty() ? request.user + "@noisett.local" : request.email},
      {"iat", now},
      {"nbf", now},
      {"exp", now + request.ttl_s},
      {"ver", "2.0"},
      {"jti", Base64UrlEncode(crypto::RandomBytes(12))}};
  if (request.admin) payload["roles"] = {std::string(kAdminRole)};
  if (!request.scope.empty()) payload["scp"] = request.scope;
  const std::string signing_input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  auto signature = crypto::Sign(crypto::Scheme::kRsaPkcs1Sha256, key_, signing_input);
  if (!signature) return Unexpected(signature.error());
  return signing_input + "." + Base64UrlEncode(*signature);
}

}  // namespace noisett::auth
