// LocalReadCache: sixteen shards, each a mutex over a small LRU list; see local_read_cache.h.
#include "storage/local_read_cache.h"

#include <sys/resource.h>

#include <algorithm>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "storage/local_tree.h"

namespace noisett::storage {
namespace {

using local_fs::UniqueFd;

// A quarter of the open-file limit for the cache's descriptors, two per entry.
size_t FdBudgetedCapacity(size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  return std::min<size_t>(wanted, static_cast<size_t>(limit.rlim_cur / 8));
}

}  // namespace

Result<std::shared_ptr<CachedBlob>> ReadCachedBlob(int dir) {
  auto fd = local_fs::OpenFile(dir, kMetaFileName);
  if (!fd) return Unexpected(fd.error());
  auto identity = local_fs::StatFile(fd->get(), "");
  if (!identity) return Unexpected(identity.error());
  auto text = local_fs::ReadAt(fd->get(), 0, identity->size);
  if (!text) return Unexpected(text.error());
  auto record = ParseRecord(*text);
  if (!record) return Unexpected(record.error());
  record->versions.erase(record->versions.begin(), record->versions.end() - 1);  // never empty
  auto blob = std::make_shared<CachedBlob>();
  blob->meta_identity = *identity;
  blob->meta = std::make_shared<const UniqueFd>(std::move(*fd));
  blob->record = std::move(*record);
  return blob;
}

struct LocalReadCache::Shard {
  using Entry = std::pair<std::string, std::shared_ptr<const CachedBlob>>;

  explicit Shard(size_t max_entries) : capacity(max_entries) {}

  const size_t capacity;
  mutable std::mutex mu;
  std::list<Entry> lru;  // GUARDED_BY(mu); most recently used first
  // GUARDED_BY(mu); the keys view the names inside `lru`'s nodes, which never move.
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;
  uint64_t hits = 0;   // GUARDED_BY(mu)
  uint64_t fills = 0;  // GUARDED_BY(mu)
};

LocalReadCache::LocalReadCache(size_t capacity) {
  const size_t per_shard = std::max<size_t>(1, FdBudgetedCapacity(capacity) / kShards);
  for (auto& shard : shards_) shard = std::make_unique<Shard>(per_shard);
}

LocalReadCache::~LocalReadCache() = default;

LocalReadCache::Shard& LocalReadCache::ShardFor(std::string_view name) const {
  return *shards_[std::hash<std::string_view>{}(name) % kShards];
}

std::shared_ptr<const CachedBlob> LocalReadCache::Find(std::string_view name) {
  Shard& shard = ShardFor(name);
  std::lock_guard lock(shard.mu);
  auto found = shard.index.find(name);
  if (found == shard.index.end()) return nullptr;
  shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  ++shard.hits;
  return found->second->second;
}

void LocalReadCache::Insert(std::string_view name, std::shared_ptr<const CachedBlob> entry) {
  // Declared before the lock, so the descriptors of a replaced or evicted entry are closed after
  // it is released.
  std::shared_ptr<const CachedBlob> dropped;
  Shard& shard = ShardFor(name);
  std::lock_guard lock(shard.mu);
  ++shard.fills;
  auto found = shard.index.find(name);
  if (found != shard.index.end()) {
    dropped = std::exchange(found->second->second, std::move(entry));
    shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
    return;
  }
  if (shard.lru.size() >= shard.capacity) {
    dropped = std::move(shard.lru.back().second);
    shard.index.erase(shard.lru.back().first);
    shard.lru.pop_back();
  }
  shard.lru.emplace_front(std::string(name), std::move(entry));
  shard.index.emplace(shard.lru.front().first, shard.lru.begin());
}

void LocalReadCache::Erase(std::string_view name) {
  std::shared_ptr<const CachedBlob> dropped;  // closed after the lock is released
  Shard& shard = ShardFor(name);
  std::lock_guard lock(shard.mu);
  auto found = shard.index.find(name);
  if (found == shard.index.end()) return;
  const auto node = found->second;
  dropped = std::move(node->second);
  shard.index.erase(found);  // first: its key views the name inside the node
  shard.lru.erase(node);
}

ReadCacheStats LocalReadCache::Stats() const {
  ReadCacheStats stats;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    stats.hits += shard->hits;
    stats.fills += shard->fills;
    stats.entries += shard->lru.size();
  }
  return stats;
}

}  // namespace noisett::storage
