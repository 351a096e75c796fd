// Bearer token → User or a precise refusal. The order of checks follows the attacks it defends
// against: size and form first (cheap), the algorithm from the server's allow-list (never trusting
// the header alone: no none, no HS*), the key by kid from the JWKS, key type against alg, the
// signature, and only then the claims. A valid token is cached until its exp.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "auth/algorithms.h"
#include "auth/claims.h"
#include "auth/jwks_cache.h"
#include "auth/token_cache.h"
#include "auth/user.h"
#include "core/clock.h"
#include "core/result.h"

namespace noisett::auth {

struct ValidatorOptions {
  std::vector<Alg> algs{Alg::kRS256};
  ClaimPolicy policy;
  size_t token_cache_capacity = 10000;
};

class TokenValidator {
 public:
  // `clock` must outlive the validator.
  TokenValidator(ValidatorOptions options, std::shared_ptr<JwksCache> keys, const Clock& clock);

  // Errors are refusals (refusal.h); the message never contains the token.
  Result<User> Validate(std::string_view token);

  // The same checks without the token cache (benchmarks, fuzzing).
  Result<ValidatedClaims> ValidateUncached(std::string_view token);

  const ValidatorOptions& options() const { return options_; }
  JwksCache& keys() { return *keys_; }

 private:
  // ValidateUncached with, when given, the SHA-256 of the token's signing input already known.
  Result<ValidatedClaims> ValidateWith(std::string_view token,
                                       const TokenCache::KeyAndSigningInputDigest* digests);

  ValidatorOptions options_;
  std::shared_ptr<JwksCache> keys_;
  const Clock& clock_;
  TokenCache cache_;
};

}  // namespace noisett::auth
