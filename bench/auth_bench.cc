// auth_bench: how fast the JWT validator is on one thread, for bench/auth.sh (issue 4).
//
// Tokens are shaped like Entra ID v2 access tokens (the 21 claims Entra sends, 1.6 KB), signed
// RS256 with a fresh 2048-bit key whose JWKS is a file, so the JSON parse costs what it will in
// production; dev-issuer tokens (DevIssuer::Mint, 0.76 KB) are measured beside them. The validator
// is the real one: file JwksSource → JwksCache (no background thread) → TokenValidator, with a
// ManualClock standing still inside every token's lifetime.
//
// Rows:
//   miss          Validate on tokens this validator has never seen: cache lookup, parse, one
//                 RS256 verify, claims, cache insert. Each pass over the pool uses a new validator
//                 (constructed outside the timed region) so every call really misses.
//   uncached      ValidateUncached over the pool: the same minus the token cache.
//   hit           Validate on a few tokens already in the cache.
//   parse, claims, jwks find, crypto::Verify: the miss path's steps alone, on the same tokens.
//   sha256        the cache key and the signing input's SHA-256 in one pass; Validate verifies
//                 on that digest, so a miss hashes the token once (crypto::Verify hashes itself).
//   verify floor  EVP_PKEY_verify on a precomputed SHA-256 with one reused context, which is what
//                 `openssl speed rsa2048` times; crypto::Verify minus this, less ~1 µs of SHA-256
//                 over the signing input, is the per-call OpenSSL set-up.
//
// Signing costs ~1 ms, so the pool is minted once and cycled: with the default 1000 tokens
// (1.6 MB) the working set is well past L2, so cycling does not flatter the parse.
//
// Rates are per second of CPU time (see CpuSeconds), like `openssl speed`'s.
//
// Usage: auth_bench [--seconds 3] [--tokens 1000] [--only ROW] [--tsv]
//   --only runs one row (entra_miss, entra_hit, entra_parse, ..., dev_miss), e.g. under perf;
//   --tsv prints "row<TAB>ops/s<TAB>us/op" lines instead of the table (for bench/auth.sh).

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <time.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/claims.h"
#include "auth/crypto.h"
#include "auth/dev_issuer.h"
#include "auth/jwks.h"
#include "auth/jwks_cache.h"
#include "auth/jwks_source.h"
#include "auth/jws.h"
#include "auth/token_cache.h"
#include "auth/validator.h"
#include "core/base64.h"
#include "core/clock.h"

namespace {

namespace auth = noisett::auth;
namespace crypto = noisett::auth::crypto;
using Json = nlohmann::json;

constexpr int64_t kNow = 1'800'000'000;  // the ManualClock's instant; tokens live around it
constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kClientId[] = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
constexpr char kEntraKid[] = "L1KfKFI_jnXbwWc22xZxw1sUHH0";  // the shape of Entra's kids

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "auth_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(noisett::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().reason + ": " + r.error().message);
  return std::move(*r);
}

std::string RandomGuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : crypto::RandomBytes(16)) {
    if (out.size() == 8 || out.size() == 13 || out.size() == 18 || out.size() == 23) out += '-';
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string B64(std::string_view bytes) { return noisett::Base64UrlEncode(bytes); }

// One Entra v2 access token for a delegated call: the claims Entra actually sends (aio, rh, sub,
// uti are opaque base64url blobs of about their usual lengths), random ids so every token differs.
std::string MintEntraToken(const crypto::Key& key) {
  const Json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"kid", kEntraKid}};
  const std::string oid = RandomGuid();
  const Json payload = {
      {"aud", kClientId},
      {"iss", std::string("https://login.microsoftonline.com/") + kTenant + "/v2.0"},
      {"iat", kNow - 300},
      {"nbf", kNow - 300},
      {"exp", kNow + 3600},
      {"aio", B64(crypto::RandomBytes(54))},
      {"azp", RandomGuid()},
      {"azpacr", "0"},
      {"name", "Alexandra Example-Longname"},
      {"oid", oid},
      {"preferred_username", "alexandra.example-longname@contoso.onmicrosoft.com"},
      {"rh", "0." + B64(crypto::RandomBytes(36)) + "."},
      {"roles", {"Noisett.Admin", "Images.ReadWrite.All"}},
      {"scp", "access_as_user Images.Read Images.Write"},
      {"sid", RandomGuid()},
      {"sub", B64(crypto::RandomBytes(32))},
      {"tid", kTenant},
      {"uti", B64(crypto::RandomBytes(16))},
      {"ver", "2.0"},
      {"wids", {"b79fbf4d-3ef9-4689-8143-76b194e85509"}},
      {"xms_tcdt", 1289241547}};
  const std::string signing_input = B64(header.dump()) + "." + B64(payload.dump());
  const std::string sig =
      Must(crypto::Sign(crypto::Scheme::kRsaPkcs1Sha256, key, signing_input), "sign");
  return signing_input + "." + B64(sig);
}

struct Fixture {
  std::string jwks_path;
  auth::ValidatorOptions options;
  std::vector<std::string> tokens;
};

std::shared_ptr<auth::JwksCache> StartKeys(const std::string& jwks_path,
                                           const noisett::Clock& clock) {
  auth::JwksCacheOptions options;
  options.background_refresh = false;  // no thread waking up mid-measurement
  auto keys = std::make_shared<auth::JwksCache>(auth::MakeFileJwksSource(jwks_path), clock,
                                                options);
  if (auto s = keys->Start(); !s) Die("JWKS start: " + s.error().message);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Timing is in CPU time, as `openssl speed` times by default (its "in 2.89s" is user CPU time):
// on this shared 2-core machine another process on core 0 would otherwise halve one figure and
// not the other. op(i) runs for i = 0, 1, 2, ... until `seconds` of CPU time have passed; the
// clock (a system call) is read every 256 calls, <1 % of even the cheapest row.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Rate {
  double ops_per_s;
  double us_per_op;
};

Rate RateOf(uint64_t n, double elapsed) { return {double(n) / elapsed, elapsed * 1e6 / double(n)}; }

template <typename Op>
Rate Measure(double seconds, Op&& op) {
  const double start = CpuSeconds();
  uint64_t n = 0;
  double now = start;
  do {
    for (int k = 0; k < 256; ++k) op(n++);
    now = CpuSeconds();
  } while (now - start < seconds);
  return RateOf(n, now - start);
}

// Keeps results observable so the optimizer cannot drop the work.
volatile size_t g_sink = 0;

struct Row {
  std::string key;    // stable, for --tsv and bench/auth.sh
  std::string label;  // for people
  Rate rate;
};

// ---------------------------------------------------------------------------------------------

// Validate on never-seen tokens: a new validator (empty token cache) per pass over the pool;
// building it is timed out by measuring pass by pass.
Rate MeasureMiss(double seconds, const Fixture& f, const std::shared_ptr<auth::JwksCache>& keys,
                 const noisett::Clock& clock) {
  double busy = 0;
  uint64_t n = 0;
  while (busy < seconds) {
    auth::TokenValidator validator(f.options, keys, clock);
    const double start = CpuSeconds();
    for (const std::string& token : f.tokens) {
      auto user = validator.Validate(token);
      if (!user) Die("miss: " + user.error().reason + ": " + user.error().message);
      g_sink = g_sink + user->user_id.size();
    }
    busy += CpuSeconds() - start;
    n += f.tokens.size();
  }
  return RateOf(n, busy);
}

// Measures one fixture's rows; `only`, when set, keeps the rows with that key (for perf record).
class Runner {
 public:
  Runner(std::string prefix, double seconds, std::string only)
      : prefix_(std::move(prefix)), seconds_(seconds), only_(std::move(only)) {}

  // Runs `measure` (a callable returning a Rate) unless the row is filtered out.
  template <typename Measurer>
  void Add(const std::string& key, const std::string& label, Measurer&& measure) {
    if (!only_.empty() && only_ != prefix_ + key) return;
    rows_.push_back({prefix_ + key, label, measure()});
  }
  template <typename Op>
  void AddLoop(const std::string& key, const std::string& label, Op&& op) {
    Add(key, label, [&] { return Measure(seconds_, op); });
  }
  double seconds() const { return seconds_; }
  std::vector<Row>& rows() { return rows_; }

 private:
  std::string prefix_;
  double seconds_;
  std::string only_;
  std::vector<Row> rows_;
};

void Run(Runner& run, const std::string& what, const Fixture& f, bool breakdown) {
  noisett::ManualClock clock(kNow);
  auto keys = StartKeys(f.jwks_path, clock);
  const size_t pool = f.tokens.size();

  run.Add("miss", what + " cache miss (Validate)",
          [&] { return MeasureMiss(run.seconds(), f, keys, clock); });

  auth::TokenValidator validator(f.options, keys, clock);
  run.AddLoop("uncached", what + " ValidateUncached", [&](uint64_t i) {
    auto claims = validator.ValidateUncached(f.tokens[i % pool]);
    if (!claims) Die("uncached: " + claims.error().message);
    g_sink = g_sink + size_t(claims->expires_at);
  });
  if (!breakdown) return;

  // A handful of hot tokens, as one client sends the same token until it nears expiry.
  constexpr size_t kHot = 16;
  for (size_t i = 0; i < kHot; ++i) (void)validator.Validate(f.tokens[i]);
  run.AddLoop("hit", what + " cache hit (Validate)", [&](uint64_t i) {
    auto user = validator.Validate(f.tokens[i % kHot]);
    if (!user) Die("hit: " + user.error().message);
    g_sink = g_sink + user->user_id.size();
  });

  // The miss path's steps one at a time, on the same tokens.
  run.AddLoop("parse", "  ParseCompactJws (b64 + header + claims)", [&](uint64_t i) {
    // As the validator calls it: only the tier claim (none here) of the unnamed claims kept.
    auto jws = auth::ParseCompactJws(f.tokens[i % pool], f.options.policy.tier_claim);
    g_sink = g_sink + jws->signature.size();
  });
  std::vector<auth::CompactJws> parsed;
  for (const std::string& token : f.tokens) parsed.push_back(Must(auth::ParseCompactJws(token), "parse"));
  run.AddLoop("claims", "  CheckClaims", [&](uint64_t i) {
    auto claims = auth::CheckClaims(parsed[i % pool].claims, f.options.policy, kNow);
    if (!claims) Die("claims: " + claims.error().message);
    g_sink = g_sink + claims->user.user_id.size();
  });
  run.AddLoop("find", "  JwksCache::Find (key copy)", [&](uint64_t i) {
    auto key = keys->Find(parsed[i % pool].kid);
    g_sink = g_sink + key->kid.size();
  });
  const crypto::Key key = Must(keys->Find(parsed[0].kid), "find").key;
  run.AddLoop("verify", "  crypto::Verify (RS256)", [&](uint64_t i) {
    const auth::CompactJws& jws = parsed[i % pool];
    if (!crypto::Verify(crypto::Scheme::kRsaPkcs1Sha256, key, jws.signing_input, jws.signature)) {
      Die("verify failed");
    }
  });
  // Validate's one pass over the token: the cache key and the signing input's digest, which a
  // miss verifies (so the SHA-256 inside crypto::Verify above is not paid again by Validate).
  run.AddLoop("sha256", "  SHA-256: cache key + signing input", [&](uint64_t i) {
    g_sink = g_sink + auth::TokenCache::KeyWithSigningInputDigest(f.tokens[i % pool]).key[0];
  });

  // The floor under crypto::Verify: what `openssl speed rsa2048` times, i.e. the RSA public
  // operation on a ready digest with one context made once.
  std::vector<std::array<uint8_t, 32>> digests;
  for (const auth::CompactJws& jws : parsed) digests.push_back(crypto::Sha256(jws.signing_input));
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
    Die("EVP_PKEY_verify set-up failed");
  }
  run.AddLoop("floor", "  EVP_PKEY_verify, reused ctx (floor)", [&](uint64_t i) {
    const auto& sig = parsed[i % pool].signature;
    const auto& md = digests[i % pool];
    if (EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                        md.data(), md.size()) != 1) {
      Die("floor verify failed");
    }
  });
}

double MeanSize(const std::vector<std::string>& tokens) {
  size_t total = 0;
  for (const std::string& t : tokens) total += t.size();
  return double(total) / double(tokens.size());
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  size_t pool = 1000;
  bool tsv = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--tokens" && i + 1 < argc) {
      pool = size_t(std::atol(argv[++i]));
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--tsv") {
      tsv = true;
    } else {
      Die("usage: auth_bench [--seconds 3] [--tokens 1000] [--only ROW] [--tsv]");
    }
  }
  if (!(seconds > 0) || pool < 16) Die("--seconds must be > 0 and --tokens at least 16");

  // Everything on disk (the dev issuer's key, both JWKS files) lives in a scratch directory.
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "noisett-auth-bench.XXXXXX").string();
  if (!mkdtemp(dir_template.data())) Die("cannot create a temp directory");
  const std::string dir = dir_template;

  // Entra-shaped tokens, with our own key and a JWKS file that names it by an Entra-style kid.
  Fixture entra;
  {
    const crypto::Key key = Must(crypto::GenerateRsaKey(2048), "keygen");
    const auto rsa = Must(crypto::RsaPublicComponents(key), "components");
    entra.jwks_path = dir + "/entra-jwks.json";
    std::ofstream(entra.jwks_path)
        << R"({"keys":[)" << auth::RsaPublicJwk(rsa, kEntraKid, auth::Alg::kRS256) << "]}\n";
    entra.options.policy.issuers = {std::string("https://login.microsoftonline.com/") + kTenant + "/v2.0"};
    entra.options.policy.audiences = {kClientId};
    entra.options.policy.tenant_id = kTenant;
    entra.options.policy.required_scope = "access_as_user";
    for (size_t i = 0; i < pool; ++i) entra.tokens.push_back(MintEntraToken(key));
  }

  // The dev issuer's own tokens: the small end of what the validator sees.
  Fixture dev;
  {
    const auto issuer = Must(auth::DevIssuer::Open(dir), "dev issuer");
    dev.jwks_path = auth::DevJwksPath(dir);
    dev.options.policy.issuers = {std::string(auth::kDevIssuer)};
    dev.options.policy.audiences = {std::string(auth::kDevAudience)};
    auth::DevTokenRequest request;
    request.user = "alice";
    request.scope = "access_as_user";
    for (size_t i = 0; i < pool; ++i) dev.tokens.push_back(Must(issuer.Mint(request, kNow - 60), "mint"));
  }

  Runner entra_run("entra_", seconds, only);
  Run(entra_run, "Entra v2", entra, /*breakdown=*/true);
  Runner dev_run("dev_", seconds, only);
  Run(dev_run, "dev issuer", dev, /*breakdown=*/false);
  std::vector<Row> rows = entra_run.rows();
  rows.insert(rows.end(), dev_run.rows().begin(), dev_run.rows().end());
  if (rows.empty()) Die("no row named '" + only + "'");
  std::filesystem::remove_all(dir);

  if (tsv) {
    std::printf("entra_token_bytes\t%.0f\t-\ndev_token_bytes\t%.0f\t-\n", MeanSize(entra.tokens),
                MeanSize(dev.tokens));
    for (const Row& row : rows) {
      std::printf("%s\t%.0f\t%.3f\n", row.key.c_str(), row.rate.ops_per_s, row.rate.us_per_op);
    }
    return 0;
  }
  std::printf("auth_bench: one thread, %.1f s per row, pool of %zu tokens; Entra v2 token %.0f B,"
              " dev-issuer token %.0f B\n\n", seconds, pool, MeanSize(entra.tokens),
              MeanSize(dev.tokens));
  std::printf("%-42s %12s %9s\n", "", "ops/s", "µs/op");
  for (const Row& row : rows) {
    std::printf("%-42s %12.0f %9.2f\n", row.label.c_str(), row.rate.ops_per_s, row.rate.us_per_op);
  }
  return 0;
}
