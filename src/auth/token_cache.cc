// The validated-token cache: 16 shards, each a map plus a FIFO of keys for eviction.
#include "auth/token_cache.h"

#include <algorithm>
#include <cstring>

#include "auth/crypto.h"

namespace noisett::auth {

size_t TokenCache::DigestHash::operator()(const Digest& d) const {
  size_t h;  // the digest is already uniform: its first bytes are a fine hash
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

TokenCache::TokenCache(size_t capacity)
    : shard_count_(std::clamp<size_t>(capacity, 1, kShards)),
      per_shard_capacity_(std::max<size_t>(1, capacity / shard_count_)) {
  // Buckets for a full shard up front: growing rehashes under the shard's lock on a miss.
  for (size_t i = 0; i < shard_count_; ++i) shards_[i].entries.reserve(per_shard_capacity_);
}

TokenCache::Shard& TokenCache::ShardFor(const Digest& d) { return shards_[d[31] % shard_count_]; }

TokenCache::Digest TokenCache::KeyOf(std::string_view token) { return crypto::Sha256(token); }

TokenCache::KeyAndSigningInputDigest TokenCache::KeyWithSigningInputDigest(std::string_view token) {
  // The signing input ends at the second '.', as ParseCompactJws reads it (a token with more
  // dots is refused there). find() is memchr; rfind() would walk the signature byte by byte.
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  const size_t signing_input_size = dot2 == std::string_view::npos ? token.size() : dot2;
  const auto digests = crypto::Sha256OfPrefixAndWhole(token, signing_input_size);
  return {digests.whole, digests.prefix, signing_input_size};
}

std::optional<User> TokenCache::Find(const Digest& digest, int64_t now) {
  Shard& shard = ShardFor(digest);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.entries.find(digest);
  if (it == shard.entries.end()) return std::nullopt;
  if (now >= it->second.expires_at) {
    shard.entries.erase(it);  // its key leaves `order` when it reaches the front
    return std::nullopt;
  }
  return it->second.user;
}

void TokenCache::Insert(const Digest& digest, const User& user, int64_t expires_at) {
  Shard& shard = ShardFor(digest);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto [it, inserted] = shard.entries.insert_or_assign(digest, Entry{user, expires_at});
  if (!inserted) return;
  shard.order.push_back(digest);
  // `order` may hold keys already erased (expired); popping them is harmless.
  while (shard.entries.size() > per_shard_capacity_ || shard.order.size() > 2 * per_shard_capacity_) {
    shard.entries.erase(shard.order.front());
    shard.order.pop_front();
  }
}

size_t TokenCache::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace noisett::auth
