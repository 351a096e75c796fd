// libFuzzer target over signed-link verification (GET /blobs/{container}/{path}?sv=...&sig=...),
// read the way the blob route reads a request: SplitPath, ValidateBlobName, QueryParams, Verify.
// The first input byte picks what the rest is:
//   0  a request target. Whenever it verifies, an independent HMAC-SHA256 (OpenSSL directly, the
//      string-to-sign rebuilt here from link_signer.h's description) under the named key must
//      match its sig, and the link must be unexpired: only a holder of the key made it.
//   1  a blob to sign (expiry offset, container, path), then edits to the signed URL. The untouched
//      link must verify until it expires and never after; an edited one that still verifies must
//      mean exactly what was signed (same container, path and signed values).
//   2  as 1, but signed by an attacker who knows the key id and not its secret: never verifies.
// Keys are fixed and the clock stands still, so seeds stay valid.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "http/http_types.h"
#include "storage/blob_store.h"
#include "storage/cdn.h"
#include "storage/link_keys.h"
#include "storage/link_signer.h"
#include "storage/query_params.h"

namespace {

using namespace noisett;  // NOLINT: a .cc file, not a header
using namespace noisett::storage;

constexpr int64_t kNow = 1795000000;  // 2026-11-18T...: fixed, so seeds keep verifying
constexpr char kBase[] = "https://img.example";
constexpr char kOldSecret[] = "fuzz-old-secret-0123456789abcdef";  // 32 bytes each
constexpr char kNewSecret[] = "fuzz-new-secret-0123456789abcdef";
constexpr char kForgedSecret[] = "attacker-guess-0123456789abcdefg";

std::unique_ptr<LocalLinkSigner> MakeSigner(const Clock& clock, std::vector<LinkKey> keys) {
  auto set = LinkKeySet::Create(std::move(keys));
  if (!set) std::abort();
  auto signer = LocalLinkSigner::Create(kBase, std::move(*set), clock);
  if (!signer) std::abort();
  return std::move(*signer);
}

struct Fixture {
  ManualClock clock{kNow};
  // "old" still verifies, "new" signs: a server in the middle of a key rotation.
  std::unique_ptr<LocalLinkSigner> server =
      MakeSigner(clock, {{"old", kOldSecret}, {"new", kNewSecret}});
  std::unique_ptr<LocalLinkSigner> forger = MakeSigner(clock, {{"new", kForgedSecret}});
};

Fixture& GetFixture() {
  static Fixture* fixture = new Fixture();  // lives for the whole run, like the fuzzer
  return *fixture;
}

// What the blob route verifies: the target named by the path, and the query.
struct Request {
  std::string container;
  std::string path;
  QueryParams query;
};

std::optional<Request> ReadRequest(std::string_view target) {
  http::HttpRequest request;
  request.target = std::string(target);
  auto segments = http::SplitPath(request.path());
  if (!segments || segments->size() < 3 || (*segments)[0] != "blobs") return std::nullopt;
  Request out{(*segments)[1], {}, {}};
  for (size_t i = 2; i < segments->size(); ++i) {
    if (i > 2) out.path += '/';
    out.path += (*segments)[i];
  }
  if (!ValidateBlobName(out.path)) return std::nullopt;
  auto query = QueryParams::Parse(request.raw_query());
  if (!query) return std::nullopt;
  out.query = std::move(*query);
  return out;
}

bool Verifies(const Request& r, int64_t now) {
  return GetFixture().server->Verify(r.container, r.path, r.query, now).has_value();
}

std::string Value(const QueryParams& query, std::string_view name) {
  return std::string(query.Get(name).value_or(""));
}

// The reference: HMAC-SHA256 by OpenSSL over the documented string-to-sign, standard base64.
std::string ReferenceSig(std::string_view secret, const Request& r) {
  const std::string to_sign = Value(r.query, "sp") + "\n" + Value(r.query, "st") + "\n" +
                              Value(r.query, "se") + "\n/blob/" + r.container + "/" + r.path +
                              "\n" + Value(r.query, "skid") + "\n" + Value(r.query, "sv") + "\n" +
                              Value(r.query, "sr");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), secret.data(), int(secret.size()),
           reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac,
           &mac_len) == nullptr) {
    std::abort();
  }
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, mac, int(mac_len));
  return std::string(reinterpret_cast<const char*>(b64), size_t(n));
}

void CheckVerifiedIsGenuine(const Request& r) {
  const std::string skid = Value(r.query, "skid");
  const char* secret = skid == "old" ? kOldSecret : skid == "new" ? kNewSecret : nullptr;
  if (secret == nullptr) std::abort();  // verified under a key the server does not have
  if (ReferenceSig(secret, r) != Value(r.query, "sig")) std::abort();
  if (Value(r.query, "sv") != kLocalLinkVersion || Value(r.query, "sp") != "r" ||
      Value(r.query, "sr") != "b") {
    std::abort();
  }
  auto expiry = ParseIsoUtc(Value(r.query, "se"));
  if (!expiry || *expiry <= kNow) std::abort();
}

// Mode 0: any request target.
void FuzzTarget(std::string_view target) {
  auto request = ReadRequest(target);
  if (request && Verifies(*request, kNow)) CheckVerifiedIsGenuine(*request);
}

// Reads [expiry offset: 3 bytes][container length: 1 byte][container][path '\n'][edits...].
struct SignInput {
  int64_t offset = 0;
  std::string container;
  std::string path;
  std::string_view edits;
};

std::optional<SignInput> ReadSignInput(std::string_view in) {
  if (in.size() < 4) return std::nullopt;
  SignInput out;
  // Up to ~194 days, so both capped (> 7 days) and uncapped expiries occur.
  out.offset = int64_t(uint8_t(in[0])) << 16 | int64_t(uint8_t(in[1])) << 8 | uint8_t(in[2]);
  const size_t container_len = uint8_t(in[3]);
  in.remove_prefix(4);
  if (in.size() < container_len) return std::nullopt;
  out.container = std::string(in.substr(0, container_len));
  in.remove_prefix(container_len);
  const size_t eol = in.find('\n');
  out.path = std::string(in.substr(0, eol));
  out.edits = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
  return out;
}

// Edits in pairs of bytes (position, new byte); a new byte of 0 deletes instead.
std::string Tamper(std::string url, std::string_view edits) {
  for (size_t i = 0; i + 1 < edits.size() && !url.empty(); i += 2) {
    const size_t pos = uint8_t(edits[i]) % url.size();
    if (edits[i + 1] == 0) {
      url.erase(pos, 1);
    } else {
      url[pos] = edits[i + 1];
    }
  }
  return url;
}

bool SameMeaning(const Request& a, const Request& b) {
  if (a.container != b.container || a.path != b.path) return false;
  for (const char* name : {"sv", "se", "sr", "sp", "skid", "sig", "st"}) {
    if (a.query.Get(name) != b.query.Get(name)) return false;
  }
  return true;
}

// Modes 1 and 2: sign, check the genuine link, then tamper.
void FuzzSigned(std::string_view in, bool forged) {
  auto input = ReadSignInput(in);
  if (!input) return;
  Fixture& fixture = GetFixture();
  LocalLinkSigner& signer = forged ? *fixture.forger : *fixture.server;
  auto link = signer.Sign(input->container, input->path, kNow + input->offset);
  const bool valid_target = ValidateLinkTarget(input->container, input->path).has_value();
  if (link.has_value() != (valid_target && input->offset > 0)) std::abort();
  // The service signs only blob names the route accepts; links to other names are Sign's business.
  if (!link || !ValidateBlobName(input->path)) return;
  if (link->expires_at > kNow + kMaxLinkLifetimeSeconds || link->expires_at <= kNow) std::abort();
  if (link->url.rfind(kBase, 0) != 0) std::abort();
  const std::string target = link->url.substr(sizeof(kBase) - 1);
  auto genuine = ReadRequest(target);
  if (!genuine || genuine->container != input->container || genuine->path != input->path) {
    std::abort();  // the URL Sign wrote does not name what it signed
  }
  if (forged) {
    if (Verifies(*genuine, kNow)) std::abort();
    return;
  }
  if (!Verifies(*genuine, kNow) || !Verifies(*genuine, link->expires_at - 1) ||
      Verifies(*genuine, link->expires_at)) {
    std::abort();
  }
  auto tampered = ReadRequest(Tamper(target, input->edits));
  if (tampered && Verifies(*tampered, kNow)) {
    CheckVerifiedIsGenuine(*tampered);
    if (!SameMeaning(*tampered, *genuine)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: FuzzTarget(input); break;
    case 1: FuzzSigned(input, /*forged=*/false); break;
    case 2: FuzzSigned(input, /*forged=*/true); break;
  }
  return 0;
}
