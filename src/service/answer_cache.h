// The answers kept for reuse (list_answers.h: history.list, favorites.list):
// each answer's text under its key, stamped with what it was built from (the
// user's catalog version, the end of its links' term). A lookup finds an answer
// only under the same stamp, so anything that moved the stamp is a miss, and a
// newer answer stored under the key replaces the old one. Bounded in bytes:
// each shard drops its least recently used answers past its share of the bound.
// What an answer holds and what its key means are the caller's business; this
// file keeps text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace noisett::service {

// What an answer was built from; it may be served only while both are still
// what they were.
struct AnswerStamp {
  int64_t version = 0;   // catalog::Catalog::UserVersion, read before the answer was
  int64_t term_end = 0;  // LinkIssuer::ListingTermEnd when it was built

  friend bool operator==(const AnswerStamp &, const AnswerStamp &) = default;
};

// Shared text: a caller keeps what it found alive even if the cache drops it
// meanwhile.
using SharedText = std::shared_ptr<const std::string>;

class AnswerCache final {
 public:
  // What an entry costs beyond its key's and its text's bytes: the map and list
  // nodes, the shared_ptr's control block. Counted, so a flood of tiny answers
  // is bounded too.
  static constexpr size_t kEntryOverhead = 160;

  // `max_bytes` bounds keys, texts and overheads together; 0 keeps nothing.
  explicit AnswerCache(size_t max_bytes);
  AnswerCache(const AnswerCache &) = delete;
  AnswerCache &operator=(const AnswerCache &) = delete;

  // The text stored under `key` with exactly `stamp`, or null. Thread-safe.
  SharedText Find(const std::string &key, const AnswerStamp &stamp);

  // Keeps `text` under `key` with `stamp`, in place of what the key held,
  // unless that is newer (a larger version or term: a slow builder does not put
  // back an older answer). A text larger than one shard's share of the bound is
  // not kept. Thread-safe.
  void Store(const std::string &key, const AnswerStamp &stamp, SharedText text);

  // Bytes held (as counted against the bound) and entries; for tests and
  // metrics.
  size_t bytes() const;
  size_t size() const;
  size_t max_bytes() const { return max_bytes_; }

 private:
  static constexpr size_t kShards = 8;  // lists are answered on every server thread at once
  struct Entry {
    std::string key;
    AnswerStamp stamp;
    SharedText text;
    size_t cost = 0;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> order;  // GUARDED_BY(mu); most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index;  // GUARDED_BY(mu)
    size_t bytes = 0;                                                   // GUARDED_BY(mu)
  };

  Shard &ShardOf(const std::string &key);
  // REQUIRES: shard.mu held.
  static void Erase(Shard &shard, std::list<Entry>::iterator it);

  const size_t max_bytes_;
  const size_t shard_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace noisett::service
