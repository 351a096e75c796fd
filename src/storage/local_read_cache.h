// LocalReadCache: what LocalBlobStore remembers of the blobs it has read, so that reading one again
// costs a stat of its meta.json and a pread, instead of a directory walk, a read and parse of
// meta.json and an open of the data file. This file reads an entry from a blob directory the
// caller opened, stores and finds entries; when an entry may answer, and the safe path that opens
// the directory, are the store's (local_blob_store.cc).
//
// Why one stat keeps reads strongly consistent, even with other processes writing the directory:
//   - meta.json is only ever replaced by renaming a complete new file over it, never edited in
//     place, so while the path still names the file an entry was parsed from, the record holds;
//   - an entry keeps that meta.json open, so its inode cannot be freed and its number handed to a
//     later meta.json (which would make a stale entry look current) while the entry lives;
//   - data files are immutable, so the entry's descriptor of the current version reads exactly
//     the bytes its record describes, even after the file is unlinked.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/local_fs.h"
#include "storage/local_meta.h"

namespace noisett::storage {

struct CachedBlob {
  local_fs::FileIdentity meta_identity;            // of the meta.json `record` was parsed from
  std::shared_ptr<const local_fs::UniqueFd> meta;  // that meta.json, kept open (see above)
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
  uint64_t hits = 0;   // Find calls answered by an entry
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

  // The entry for `name` when it was filled from the meta.json whose identity is `current`, else
  // null. The entry is immutable and stays valid after it leaves the cache.
  std::shared_ptr<const CachedBlob> Find(std::string_view name,
                                         const local_fs::FileIdentity& current);
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
