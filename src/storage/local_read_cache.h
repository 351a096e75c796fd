// LocalReadCache: what LocalBlobStore remembers of the blobs it has read, so that reading one again
// costs an fstat of the meta.json it keeps open (and a pread, or nothing when the caller sends the
// data file itself), instead of a directory walk, a read and parse of meta.json and an open of the
// data file. This file reads an entry from a blob directory the caller opened, stores and finds
// entries; when an entry may answer, and the safe path that opens the directory, are the store's
// (local_blob_store.cc).
//
// Why an fstat of the held meta.json keeps reads strongly consistent, even with other processes
// writing the directory:
//   - meta.json is only ever replaced by renaming a complete new file over it, never edited in
//     place, and a blob goes by unlinking it: every change of a record, by any process, drops the
//     link count of the meta.json an entry holds (to 0), which an fstat of its descriptor sees;
//   - an entry keeps that meta.json open, so its inode cannot be freed and its number handed to a
//     later meta.json (which would make a stale entry look current) while the entry lives;
//   - data files are immutable, so the entry's descriptor of the current version reads exactly
//     the bytes its record describes, even after the file is unlinked.
// What the fstat cannot see is the path: a directory on the way renamed or replaced outside the
// store (the store never renames a directory). So the path is stat'ed too, at most once a second
// per entry (kPathRecheckMs): such a change is seen within a second.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/local_fs.h"
#include "storage/local_meta.h"

namespace noisett::storage {

// How long an entry answers without stat'ing its meta.json's path (see above).
inline constexpr int64_t kPathRecheckMs = 1000;

struct CachedBlob {
  local_fs::FileIdentity meta_identity;            // of the meta.json `record` was parsed from
  std::shared_ptr<const local_fs::UniqueFd> meta;  // that meta.json, kept open (see above)
  // When the path last led to that meta.json (the store's clock, ms); 0: not yet. Any reader
  // updates it, so it is atomic in an otherwise immutable entry.
  mutable std::atomic<int64_t> path_checked_ms{0};
  BlobRecord record;  // trimmed to the current version: reads look at nothing else
  // The current version's data file; null when nobody needed it yet (deleted, archived, or read
  // by GetProperties only).
  std::shared_ptr<const local_fs::UniqueFd> data;
};

// Reads `dir`/meta.json into a new entry without data. The identity is taken with fstat of the
// descriptor the bytes come from, so it describes exactly those bytes (a stat afterwards could
// see a newer file). Errors: kNotFound when there is no meta.json; ParseRecord's kInternal
// "StoreCorrupt"; local_fs errors otherwise.
Result<std::shared_ptr<CachedBlob>> ReadCachedBlob(int dir);

struct ReadCacheStats {
  uint64_t hits = 0;   // Find calls that found an entry (which the store may then find stale)
  uint64_t fills = 0;  // entries stored
  size_t entries = 0;
};

// Thread-safe. Bounded: each of its shards drops its least recently used entry when full.
class LocalReadCache final {
 public:
  static constexpr size_t kDefaultCapacity = 1024;

  // Entries hold up to two descriptors each, so `capacity` is lowered to keep them within a
  // quarter of the process's open-file limit (RLIMIT_NOFILE); connections need the rest.
  explicit LocalReadCache(size_t capacity = kDefaultCapacity);
  ~LocalReadCache();
  LocalReadCache(const LocalReadCache&) = delete;
  LocalReadCache& operator=(const LocalReadCache&) = delete;

  // The entry for `name`, or null; whether it may still answer is the caller's to check (above).
  // The entry is immutable (but for path_checked_ms) and stays valid after it leaves the cache.
  std::shared_ptr<const CachedBlob> Find(std::string_view name);
  // Stores `entry` for `name`, replacing any older one.
  void Insert(std::string_view name, std::shared_ptr<const CachedBlob> entry);
  // Forgets `name`, closing its descriptors once no reader holds the entry any more.
  void Erase(std::string_view name);
  ReadCacheStats Stats() const;

 private:
  struct Shard;
  static constexpr size_t kShards = 16;

  Shard& ShardFor(std::string_view name) const;

  std::array<std::unique_ptr<Shard>, kShards> shards_;
};

}  // namespace noisett::storage
