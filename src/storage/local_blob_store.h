// LocalBlobStore: the BlobStore of the embedded default, a directory on the local file system
// (NOISETT_STORE=file://DIR). One process owns a store directory; within it the store is safe to
// use from any number of threads.
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
// only files that no meta.json names; Open removes them (temp files, unreferenced version files,
// blob directories without meta.json). Purging and Discard remove meta.json first, for the same
// reason.
//
// Concurrency: readers take no lock (atomic renames plus immutable data files). A writer of a name
// holds one of 64 striped mutexes only around its read-modify-write of meta.json; the bulk data
// write and its fsync happen before, unlocked, so Puts of different names never wait on each
// other's fsync. PurgeExpired and Discard hold the store's structure lock exclusively while they
// remove directories; every writer holds it shared. Get and GetProperties answer a blob read before from
// a cache checked with one stat of its meta.json (local_read_cache.h), so they stay strongly
// consistent even with another process writing the same directory.
//
// Differences from Azure: SetTier from Archive takes effect at once (no rehydration delay);
// RestoreVersion keeps the source version's tags (Azure's copy would drop them); Undelete restores
// the current version too (Azure's versioned undelete does not); only soft-deleted blobs expire —
// previous versions of a live blob are kept until the blob is deleted and purged.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "storage/blob_store.h"
#include "storage/local_fs.h"
#include "storage/local_meta.h"
#include "storage/local_read_cache.h"
#include "storage/local_version_id.h"

namespace noisett::storage {

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
  Result<BlobData> Get(std::string_view name, std::optional<ByteRange> range = {}) override;
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
  Result<BlobData> GetUncached(std::string_view name, std::optional<ByteRange> range);
  // Read-modify-write of a blob's record under its stripe lock.
  Status Mutate(std::string_view name, const std::function<Status(BlobRecord&)>& change);
  // Put once validated; `made_dirs`: whether it made a directory on the way. Takes tree_mu_ shared.
  Result<BlobProperties> WriteAndCommit(std::string_view name, std::string_view bytes,
                                        const PutOptions& options, bool* made_dirs);
  // REQUIRES: tree_mu_ held (shared); takes the name's stripe lock.
  Result<BlobProperties> CommitPut(int dir, std::string_view name, uint64_t size,
                                   const PutOptions& options, const std::string& temp);
  // REQUIRES: the name's stripe lock and tree_mu_ (shared) are held.
  Result<BlobProperties> CommitVersion(int dir, std::string_view name,
                                       std::optional<BlobRecord> record, VersionRecord version,
                                       const Materialize& materialize);
  // What List shows of one blob: nothing, its current version, or all its versions.
  std::vector<BlobProperties> ListItemsOf(const std::string& name,
                                          const ListOptions& options) const;
  bool Expired(const BlobRecord& record) const;
  std::mutex& StripeFor(std::string_view name);
  void CleanUpAtOpen();
  void CleanUpBlobDir(const std::string& name, int* removed);
  // Discard's fresh-blob case: whether `version_id` was the blob's only version (and it is gone).
  Result<bool> RemoveIfOnlyVersion(std::string_view name, std::string_view version_id);
  // REQUIRES: tree_mu_ held exclusively.
  Status RemoveBlobTree(const std::string& name);
  // REQUIRES: tree_mu_ held exclusively. Removes the directory of `segments`, then each parent,
  // while empty (stops quietly at the first that is not).
  Status RemoveEmptyDirs(std::vector<std::string> segments);
  // The blob's directory and its parents, while empty; takes tree_mu_ exclusively.
  void PruneEmptyDirs(std::string_view name);

  const std::string container_;
  const std::string root_;  // absolute
  const Clock& clock_;
  const int64_t retention_seconds_;
  const local_fs::UniqueFd blobs_;  // ROOT/CONTAINER/blobs, the base of every path
  VersionIdSource version_ids_;
  std::shared_mutex tree_mu_;  // shared: any writer; exclusive: directory removal
  std::array<std::mutex, 64> stripes_;
  LocalReadCache read_cache_;
};

}  // namespace noisett::storage
