// The links already signed for each blob, while their terms last: with link buckets
// (NOISETT_LINK_BUCKET) every listing during one bucket hands out the same links, so history.list
// signs each blob once per bucket instead of once per answer. Bounded: each shard drops its least
// recently used entry when full; an entry whose terms ended is never found (its key has them).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace noisett::service {

template <typename Links>
class LinkCache {
 public:
  static constexpr size_t kDefaultCapacity = 16384;  // ~8 MB of links at ~500 bytes each

  explicit LinkCache(size_t capacity = kDefaultCapacity)
      : per_shard_(std::max<size_t>(1, capacity / kShards)) {}
  LinkCache(const LinkCache&) = delete;
  LinkCache& operator=(const LinkCache&) = delete;

  // The links stored for `blob_path` with terms ending at `expires_at`, if any. Thread-safe.
  std::optional<Links> Find(std::string_view blob_path, int64_t expires_at) {
    const std::string key = Key(blob_path, expires_at);
    Shard& shard = ShardOf(key);
    std::lock_guard lock(shard.mu);
    auto it = shard.index.find(key);
    if (it == shard.index.end()) return std::nullopt;
    shard.order.splice(shard.order.begin(), shard.order, it->second);  // most recently used
    return it->second->second;
  }

  void Store(std::string_view blob_path, int64_t expires_at, Links links) {
    std::string key = Key(blob_path, expires_at);
    Shard& shard = ShardOf(key);
    std::lock_guard lock(shard.mu);
    if (auto it = shard.index.find(key); it != shard.index.end()) {
      it->second->second = std::move(links);
      return;
    }
    if (shard.index.size() >= per_shard_) {
      shard.index.erase(shard.order.back().first);
      shard.order.pop_back();
    }
    shard.order.emplace_front(key, std::move(links));
    shard.index.emplace(std::move(key), shard.order.begin());
  }

  size_t size() const {
    size_t n = 0;
    for (const Shard& shard : shards_) {
      std::lock_guard lock(shard.mu);
      n += shard.index.size();
    }
    return n;
  }

 private:
  static constexpr size_t kShards = 16;  // history.list answers on many threads at once
  using Entry = std::pair<std::string, Links>;
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> order;  // most recently used first
    std::unordered_map<std::string, typename std::list<Entry>::iterator> index;
  };

  static std::string Key(std::string_view blob_path, int64_t expires_at) {
    std::string key = std::to_string(expires_at);
    key.push_back(' ');
    key.append(blob_path);
    return key;
  }
  Shard& ShardOf(const std::string& key) {
    return shards_[std::hash<std::string>{}(key) % kShards];
  }

  const size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace noisett::service
