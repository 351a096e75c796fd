// A bounded cache of tokens already validated, so a repeated token costs a hash and a lookup
// instead of parsing and an RSA verify. Keyed by SHA-256 of the token (the token itself is never
// stored); an entry lives until the token's exp (plus leeway) and the oldest entries go first
// when full. Sharded by hash so many threads rarely meet on one lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "auth/user.h"

namespace noisett::auth {

class TokenCache {
 public:
  using Digest = std::array<uint8_t, 32>;

  explicit TokenCache(size_t capacity = 10000);

  // The cache key of a token: SHA-256 of the whole token, signature included, so a token that
  // differs in any byte (a forged signature on a cached payload) never finds a cached entry.
  static Digest KeyOf(std::string_view token);

  // KeyOf(token) together with SHA-256 of its JWS signing input (everything before the second
  // '.'; the whole token when there is none), from one pass over the token: a miss then verifies
  // the signature on that digest instead of hashing the token a second time.
  struct KeyAndSigningInputDigest {
    Digest key;
    Digest signing_input_sha256;
    size_t signing_input_size;
  };
  static KeyAndSigningInputDigest KeyWithSigningInputDigest(std::string_view token);

  // The User for the token when it was inserted and `now` < its expiry.
  std::optional<User> Find(const Digest& key, int64_t now);
  void Insert(const Digest& key, const User& user, int64_t expires_at);
  std::optional<User> Find(std::string_view token, int64_t now) { return Find(KeyOf(token), now); }
  void Insert(std::string_view token, const User& user, int64_t expires_at) {
    Insert(KeyOf(token), user, expires_at);
  }
  size_t size() const;

 private:
  struct DigestHash {
    size_t operator()(const Digest& d) const;
  };
  struct Entry {
    User user;
    int64_t expires_at;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<Digest, Entry, DigestHash> entries;
    std::deque<Digest> order;  // insertion order, for eviction
  };
  static constexpr size_t kShards = 16;

  Shard& ShardFor(const Digest& d);

  size_t shard_count_;  // fewer than kShards for tiny capacities, so size() <= capacity holds
  size_t per_shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace noisett::auth
