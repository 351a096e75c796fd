// LocalBlobStore: the BlobStore of the embedded default, a directory on the local file system
// (NOISETT_STORE=file://DIR). Any number of processes (several `noisett serve`, fsck, the CLI)
// may share one store directory, each with any number of threads: the locks below are flock
// locks, which hold between processes and between threads alike (local_lock.h).
//
// Layout. Each blob is a directory, named after the blob with '@' appended to its last segment:
//   ROOT/CONTAINER/blobs/generated/alice/01J…/image_0.jpg@/
//     meta.json                      the blob's record (local_meta.h): every version's properties,
//                                    tier, tags; creation time; soft-delete state
//     2026-11-23T10:00:00.0000000Z   one immutable data file per version, named by its version id
//     .tmp-…                         a write in progress (or a crash's leftover)
// '@' is outside the blob-name alphabet, so a blob directory never collides with a directory of
// the name hierarchy: blobs "a" (a@/) and "a/b" (a/b@/) coexist, as they do in Azure. A name
// segment longer than 254 bytes is refused (InvalidBlobName): it would not fit NAME_MAX with '@'.
//
// Crash consistency: meta.json is the commit point. A write puts the bytes in a temp file (fsync),
// renames it to a fresh version id, then replaces meta.json atomically (temp, fsync, rename, fsync
// of the directory — which also makes the data rename durable). Data files are never modified, so
// a reader that read either meta.json sees complete bytes. A crash before the meta rename leaves
// only files that no meta.json names; Open removes them (unreferenced version files, blob
// directories without meta.json, and temp files once abandoned: see the clean-up below). Purging
// and Discard remove meta.json first, for the same reason.
//
// Concurrency: readers take no lock (atomic renames plus immutable data files). Two flock locks
// order the writers, whichever process they are in:
//   - the tree lock, on the blobs directory: every writer holds it shared for its whole write
//     (from making the blob's directories to committing); removing directories (Discard of a
//     fresh blob, PurgeExpired, pruning after a failed first write, the clean-up) holds it
//     exclusively, so no write is ever under way in a directory being removed;
//   - the blob lock, on the blob's directory, exclusive: held around each read-modify-write of
//     meta.json (the commit: version file rename, then meta.json replaced). Create-only Puts are
//     decided under it, so of two racing creators in two processes exactly one wins.
// The bulk data write and its fsync happen before the blob lock, so Puts of one name still write
// in parallel and only their commits queue. Each temp file is locked by its writer for its whole
// life. Lock order: tree, then blob. Get and GetProperties answer a blob read before from a cache
// checked with one stat of its meta.json (local_read_cache.h), so they stay strongly consistent
// with other processes writing the same directory.
//
// Clean-up at Open, safe beside live writers in other processes: under a blob's lock it removes
// the version files meta.json does not name (no commit can be half done while it holds the lock);
// a temp file only when abandoned: unlocked and untouched for kAbandonedTempAgeSeconds; a blob
// directory without meta.json only under the tree lock held exclusively (tried, never waited for:
// a busy store keeps it until a later open) and only once no temp file in it is still live.
//
// Differences from Azure: SetTier from Archive takes effect at once (no rehydration delay);
// RestoreVersion keeps the source version's tags (Azure's copy would drop them); Undelete restores
// the current version too (Azure's versioned undelete does not); only soft-deleted blobs expire —
// previous versions of a live blob are kept until the blob is deleted and purged.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "storage/blob_store.h"
#include "storage/local_fs.h"
#include "storage/local_lock.h"
#include "storage/local_meta.h"
#include "storage/local_read_cache.h"
#include "storage/local_version_id.h"

namespace noisett::storage {

// How long an unlocked temp file must have gone unmodified before the clean-up treats it as a
// crashed write's leftover. A live writer holds its temp file's lock, so this only guards against
// a lock that is not seen (a file system without working flock): an hour is far longer than any
// write takes, and leftovers cost disk space only until the next open after that.
inline constexpr int64_t kAbandonedTempAgeSeconds = 3600;

struct LocalStoreConfig {
  std::string root = "./data/blobs";
  std::string container = "noisett-storage";  // Azure's container rules: [a-z0-9-], 3..63
  int retention_days = 7;                     // soft-delete retention, 1..365 (as Azure)
};

// "file:///abs/dir" or "file://relative/dir" (everything after "file://" is the path).
// Errors: kInvalidArgument "InvalidStoreUrl".
Result<LocalStoreConfig> ParseStoreUrl(std::string_view url);

class LocalBlobStore final : public BlobStore {
 public:
  // Creates ROOT/CONTAINER/blobs as needed and removes what a crash left behind (see above).
  // Errors: kInvalidArgument for a bad container name or retention; kUnavailable when the
  // directory cannot be created or opened. `clock` must outlive the store.
  static Result<std::unique_ptr<LocalBlobStore>> Open(const LocalStoreConfig& config,
                                                      const Clock& clock);

  Result<BlobProperties> Put(std::string_view name, std::string_view bytes,
                             const PutOptions& options) override;
  // ReadAs::kFile hands out the current version's data file, kept open by the read cache's entry
  // (data files are never rewritten, so its bytes stay the ones the properties describe).
  Result<BlobData> Get(std::string_view name, std::optional<ByteRange> range = {},
                       ReadAs as = ReadAs::kBytes) override;
  Result<BlobProperties> GetProperties(std::string_view name) override;
  Status Delete(std::string_view name) override;
  Status Undelete(std::string_view name) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status SetTier(std::string_view name, AccessTier tier,
                 RehydratePriority priority = RehydratePriority::kStandard) override;
  Status SetTags(std::string_view name, const Tags& tags) override;
  Result<std::vector<BlobProperties>> ListVersions(std::string_view name) override;
  Status RestoreVersion(std::string_view name, std::string_view version_id) override;
  Status DeleteVersion(std::string_view name, std::string_view version_id) override;
  // A fresh blob (`version_id` its only version) goes at once with all its files and the
  // directories only it used: unlinking needs no free space, and nothing lingers for the
  // soft-delete retention. Otherwise Delete.
  Status Discard(std::string_view name, std::string_view version_id) override;
  Status CheckReady() override;
  std::string Describe() const override;

  // Permanently removes every blob soft-deleted at least `retention_days` ago, with all its
  // versions and files. Blobs past retention are already invisible (Undelete refuses them); this
  // reclaims the space. Safe to run while the store is in use. Returns what was purged (each
  // blob's current version, with the bytes of all its versions as size); a dry run returns what
  // would be and removes nothing.
  Result<std::vector<BlobProperties>> PurgeExpired(bool dry_run = false);

  // How often Get and GetProperties were answered from the read cache (for tests and metrics).
  ReadCacheStats read_cache_stats() const { return read_cache_.Stats(); }

 private:
  // Creates the bytes of a new version under the given file name inside the blob's directory.
  using Materialize = std::function<Status(int dir, const std::string& version_file)>;
  struct LiveBlob {
    local_fs::UniqueFd dir;
    BlobRecord record;
  };

  LocalBlobStore(const LocalStoreConfig& config, std::string root, const Clock& clock,
                 local_fs::UniqueFd blobs);

  // The blob's directory; missing or a symlink on the way: BlobNotFound.
  Result<local_fs::UniqueFd> OpenBlobDir(std::string_view name) const;
  // The record of a blob that exists and is not deleted; every failure is BlobNotFound.
  Result<LiveBlob> LoadLive(std::string_view name) const;
  // The cached entry for `name` when its meta.json is still the one it was read from.
  std::shared_ptr<const CachedBlob> FindCached(std::string_view name);
  // The safe path: the blob's directory (no symlink on the way) and a fresh, uncached entry read
  // from it (deleted blobs too). A missing blob is BlobNotFound and leaves nothing cached.
  Result<std::pair<local_fs::UniqueFd, std::shared_ptr<CachedBlob>>> LoadFresh(
      std::string_view name);
  Result<BlobData> GetUncached(std::string_view name, std::optional<ByteRange> range, ReadAs as);
  // Read-modify-write of a blob's record under its stripe lock.
  Status Mutate(std::string_view name, const std::function<Status(BlobRecord&)>& change);
  // The tree lock (see above); exclusive waits for every write under way in any process.
  Result<local_fs::FileLock> LockTree(local_fs::LockMode mode) const;
  // The blob lock of the blob directory `dir` (exclusive).
  static Result<local_fs::FileLock> LockBlob(int dir);
  // Put once validated; `made_dirs`: whether it made a directory on the way. Takes the tree lock
  // shared.
  Result<BlobProperties> WriteAndCommit(std::string_view name, std::string_view bytes,
                                        const PutOptions& options, bool* made_dirs);
  // REQUIRES: the tree lock held (shared); takes the blob lock.
  Result<BlobProperties> CommitPut(int dir, std::string_view name, uint64_t size,
                                   const PutOptions& options, const std::string& temp);
  // REQUIRES: the blob lock and the tree lock (shared) are held.
  Result<BlobProperties> CommitVersion(int dir, std::string_view name,
                                       std::optional<BlobRecord> record, VersionRecord version,
                                       const Materialize& materialize);
  // What List shows of one blob: nothing, its current version, or all its versions.
  std::vector<BlobProperties> ListItemsOf(const std::string& name,
                                          const ListOptions& options) const;
  bool Expired(const BlobRecord& record) const;
  void CleanUpAtOpen();
  // Returns true when the directory has no meta.json (RemoveUncommittedBlob's case).
  bool CleanUpBlobDir(const std::string& name, int64_t now, int* removed);
  void RemoveUncommittedBlob(const std::string& name, int64_t now, int* removed);
  // Discard's fresh-blob case: whether `version_id` was the blob's only version (and it is gone).
  Result<bool> RemoveIfOnlyVersion(std::string_view name, std::string_view version_id);
  // REQUIRES: the tree lock held exclusively.
  Status RemoveBlobTree(const std::string& name);
  // REQUIRES: the tree lock held exclusively. Removes the directory of `segments`, then each
  // parent, while empty (stops quietly at the first that is not).
  Status RemoveEmptyDirs(std::vector<std::string> segments);
  // The blob's directory and its parents, while empty; takes the tree lock exclusively.
  void PruneEmptyDirs(std::string_view name);

  const std::string container_;
  const std::string root_;  // absolute
  const Clock& clock_;
  const int64_t retention_seconds_;
  const local_fs::UniqueFd blobs_;  // ROOT/CONTAINER/blobs, the base of every path
  VersionIdSource version_ids_;
  LocalReadCache read_cache_;
};

}  // namespace noisett::storage
