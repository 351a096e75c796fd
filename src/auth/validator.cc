// The validation pipeline: form → alg allow-list → key by kid → key type → signature → claims.
#include "auth/validator.h"

#include <algorithm>
#include <utility>

#include "auth/crypto.h"
#include "auth/jws.h"
#include "auth/refusal.h"

namespace noisett::auth {
namespace {

crypto::Scheme SchemeFor(Alg alg) {
  switch (alg) {
    case Alg::kRS256: return crypto::Scheme::kRsaPkcs1Sha256;
    case Alg::kPS256: return crypto::Scheme::kRsaPssSha256;
    case Alg::kES256: return crypto::Scheme::kEcdsaP256Sha256;
  }
  return crypto::Scheme::kRsaPkcs1Sha256;
}

// The header's alg must name an algorithm the server allows; the header never chooses one the
// server did not (RFC 8725 §3.1): "none" and HS* are not even representable as Alg.
Result<Alg> AllowedAlg(const std::string& header_alg, const std::vector<Alg>& allowed) {
  auto alg = ParseAlg(header_alg);
  if (!alg || std::find(allowed.begin(), allowed.end(), *alg) == allowed.end()) {
    std::string shown = header_alg.substr(0, 16);
    std::replace_if(shown.begin(), shown.end(), [](char c) { return c < 0x20 || c > 0x7e; }, '?');
    return Unexpected(Refusal(reason::kAlgNotAllowed, "alg '" + shown + "' is not allowed"));
  }
  return *alg;
}

}  // namespace

TokenValidator::TokenValidator(ValidatorOptions options, std::shared_ptr<JwksCache> keys,
                               const Clock& clock)
    : options_(std::move(options)),
      keys_(std::move(keys)),
      clock_(clock),
      cache_(options_.token_cache_capacity) {}

Result<User> TokenValidator::Validate(std::string_view token) {
  // An oversized token is refused before it is hashed for the cache.
  if (token.size() > kMaxTokenBytes) return Unexpected(ValidateUncached(token).error());
  const int64_t now = clock_.NowSeconds();
  // One pass over the token gives the cache key and the digest a miss verifies.
  const auto digests = TokenCache::KeyWithSigningInputDigest(token);
  if (auto hit = cache_.Find(digests.key, now)) return std::move(*hit);
  auto claims = ValidateWith(token, &digests);
  if (!claims) return Unexpected(claims.error());
  // Cached until the moment CheckClaims would call it expired.
  cache_.Insert(digests.key, claims->user, claims->expires_at + options_.policy.leeway_s);
  return std::move(claims->user);
}

Result<ValidatedClaims> TokenValidator::ValidateUncached(std::string_view token) {
  return ValidateWith(token, nullptr);
}

Result<ValidatedClaims> TokenValidator::ValidateWith(
    std::string_view token, const TokenCache::KeyAndSigningInputDigest* digests) {
  // CheckClaims reads no claim outside TokenClaims' named ones but the tier claim.
  auto jws = ParseCompactJws(token, std::string_view(options_.policy.tier_claim));
  if (!jws) return Unexpected(jws.error());
  auto alg = AllowedAlg(jws->alg, options_.algs);
  if (!alg) return Unexpected(alg.error());
  auto key = keys_->Find(jws->kid);
  if (!key) return Unexpected(key.error());
  if (!KeyMatchesAlg(*key, *alg)) {
    return Unexpected(Refusal(reason::kAlgNotAllowed,
                              "the key named by kid cannot be used with " + jws->alg));
  }
  // Both are prefixes of `token`, so equal sizes mean the digest is of these very bytes.
  const bool digest_known =
      digests != nullptr && digests->signing_input_size == jws->signing_input.size();
  const bool verified =
      digest_known ? crypto::VerifyDigest(SchemeFor(*alg), key->key,
                                          digests->signing_input_sha256, jws->signature)
                   : crypto::Verify(SchemeFor(*alg), key->key, jws->signing_input, jws->signature);
  if (!verified) {
    return Unexpected(Refusal(reason::kBadSignature, "signature does not verify"));
  }
  return CheckClaims(std::move(jws->claims), options_.policy, clock_.NowSeconds());
}

}  // namespace noisett::auth
