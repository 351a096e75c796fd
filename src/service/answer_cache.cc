// The answer cache: a sharded LRU bounded in bytes.
#include "service/answer_cache.h"

#include <functional>
#include <utility>

namespace noisett::service {

AnswerCache::AnswerCache(size_t max_bytes)
    : max_bytes_(max_bytes), shard_bytes_(max_bytes / kShards) {}

AnswerCache::Shard &AnswerCache::ShardOf(const std::string &key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

void AnswerCache::Erase(Shard &shard, std::list<Entry>::iterator it) {
  shard.bytes -= it->cost;
  shard.index.erase(it->key);
  shard.order.erase(it);
}

SharedText AnswerCache::Find(const std::string &key, const AnswerStamp &stamp) {
  if (max_bytes_ == 0) return nullptr;
  Shard &shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  auto found = shard.index.find(key);
  if (found == shard.index.end() || !(found->second->stamp == stamp)) return nullptr;
  shard.order.splice(shard.order.begin(), shard.order,
                     found->second);  // most recently used
  return found->second->text;
}

void AnswerCache::Store(const std::string &key, const AnswerStamp &stamp, SharedText text) {
  if (text == nullptr) return;
  // The key is held twice: in the entry and in the index.
  const size_t cost = 2 * key.size() + text->capacity() + kEntryOverhead;
  if (cost > shard_bytes_) return;
  Shard &shard = ShardOf(key);
  std::lock_guard lock(shard.mu);
  if (auto found = shard.index.find(key); found != shard.index.end()) {
    const AnswerStamp &held = found->second->stamp;
    if (held.version > stamp.version || held.term_end > stamp.term_end) return;
    Erase(shard, found->second);
  }
  while (shard.bytes + cost > shard_bytes_) Erase(shard, std::prev(shard.order.end()));
  shard.order.push_front(Entry{key, stamp, std::move(text), cost});
  shard.index.emplace(key, shard.order.begin());
  shard.bytes += cost;
}

size_t AnswerCache::bytes() const {
  size_t n = 0;
  for (const Shard &shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.bytes;
  }
  return n;
}

size_t AnswerCache::size() const {
  size_t n = 0;
  for (const Shard &shard : shards_) {
    std::lock_guard lock(shard.mu);
    n += shard.index.size();
  }
  return n;
}

}  // namespace noisett::service
