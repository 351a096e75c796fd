// LocalBlobStore's per-blob operations: writes (Put, RestoreVersion), reads (Get, GetProperties,
// ListVersions), record changes (Delete, Undelete, SetTier, SetTags) and Discard. Listing lives in
// local_blob_store_list.cc; opening, clean-up and purging in local_blob_store_maintenance.cc.
#include "storage/local_blob_store.h"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "storage/local_tree.h"

namespace noisett::storage {
namespace {

Unexpected NotFound(std::string_view what = "no such blob") {
  return Unexpected(
      MakeError(ErrorCode::kNotFound, std::string(reason::kBlobNotFound), std::string(what)));
}

Unexpected Archived() {
  return Unexpected(MakeError(ErrorCode::kConflict, std::string(reason::kBlobArchived),
                              "This operation is not permitted on an archived blob."));
}

Unexpected InvalidRange(std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidRange", std::move(message)));
}

Status ValidatePut(std::string_view name, const PutOptions& options) {
  Status ok = ValidateLocalBlobName(name);
  if (ok) ok = ValidatePutOptions(options);
  return ok;
}

// [offset, end) of the bytes a Get returns.
Result<std::pair<uint64_t, uint64_t>> ResolveRange(uint64_t size, std::optional<ByteRange> range) {
  if (!range) return std::pair<uint64_t, uint64_t>{0, size};
  if (range->length && *range->length == 0) return InvalidRange("empty range");
  // An empty blob has no byte to start at; only "from 0" is meaningful (it reads nothing).
  if (range->offset >= size && !(size == 0 && range->offset == 0)) {
    return InvalidRange("offset " + std::to_string(range->offset) + " is past the end (size " +
                        std::to_string(size) + ")");
  }
  const uint64_t available = size - range->offset;
  const uint64_t length = range->length ? std::min(*range->length, available) : available;
  return std::pair<uint64_t, uint64_t>{range->offset, range->offset + length};
}

// What every Get checks, in this order, before touching the data file; the bytes to return.
Result<std::pair<uint64_t, uint64_t>> CheckReadable(const BlobRecord& record,
                                                    std::optional<ByteRange> range) {
  if (record.deleted) return NotFound();
  const VersionRecord& current = record.current();
  if (current.tier == AccessTier::kArchive) return Archived();
  return ResolveRange(current.size, range);
}

// REQUIRES: blob.data is open.
Result<BlobData> ReadFrom(std::string_view name, const CachedBlob& blob,
                          std::pair<uint64_t, uint64_t> span, ReadAs as) {
  BlobData data;
  const uint64_t length = span.second - span.first;
  if (as == ReadAs::kFile) {
    // The span shares the entry's descriptor: it stays open however long the caller sends, even
    // once the entry has left the cache or the blob has been purged.
    data.file = FileSpan{blob.data, blob.data->get(), span.first, length};
  } else {
    auto bytes = local_fs::ReadAt(blob.data->get(), span.first, length);
    if (!bytes) return Unexpected(bytes.error());
    data.bytes = std::move(*bytes);
  }
  const size_t current = blob.record.versions.size() - 1;
  data.properties = as == ReadAs::kFile ? PropertiesWithoutTagsOf(name, blob.record, current)
                                        : PropertiesOf(name, blob.record, current);
  data.range_offset = span.first;
  return data;
}

// "a/b" → "a/b@/meta.json", from the very segments the safe path walks.
std::string MetaPathOf(std::string_view name) {
  std::string path;
  for (const std::string& segment : BlobDirSegments(name)) (path += segment) += '/';
  return path + kMetaFileName;
}

// The blob's record, or nullopt when it has never been committed.
Result<std::optional<BlobRecord>> LoadRecordIfAny(int dir) {
  auto text = local_fs::ReadWholeFile(dir, kMetaFileName);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return std::optional<BlobRecord>{};
    return Unexpected(text.error());
  }
  auto record = ParseRecord(*text);
  if (!record) return Unexpected(record.error());
  return std::optional<BlobRecord>(std::move(*record));
}

Status StoreRecord(int dir, const BlobRecord& record) {
  return local_fs::WriteFileAtomic(dir, kMetaFileName, SerializeRecord(record));
}

}  // namespace

LocalBlobStore::LocalBlobStore(const LocalStoreConfig& config, std::string root, const Clock& clock,
                               local_fs::UniqueFd blobs)
    : container_(config.container),
      root_(std::move(root)),
      clock_(clock),
      retention_seconds_(int64_t{config.retention_days} * 86400),
      blobs_(std::move(blobs)),
      version_ids_(clock) {}

Result<local_fs::FileLock> LocalBlobStore::LockBlob(int dir) {
  return local_fs::FileLock::Acquire(dir, ".", local_fs::LockMode::kExclusive);
}

Result<local_fs::FileLock> LocalBlobStore::LockTree(local_fs::LockMode mode) const {
  return local_fs::FileLock::Acquire(blobs_.get(), ".", mode);
}

bool LocalBlobStore::Expired(const BlobRecord& record) const {
  return record.deleted && clock_.NowSeconds() >= record.deleted_at + retention_seconds_;
}

Result<local_fs::UniqueFd> LocalBlobStore::OpenBlobDir(std::string_view name) const {
  auto dir = local_fs::WalkDirs(blobs_.get(), BlobDirSegments(name));
  // A missing directory and a symlink in the way both mean "no such blob".
  if (!dir && dir.error().code != ErrorCode::kUnavailable) return NotFound();
  return dir;
}

Result<LocalBlobStore::LiveBlob> LocalBlobStore::LoadLive(std::string_view name) const {
  auto dir = OpenBlobDir(name);
  if (!dir) return Unexpected(dir.error());
  auto record = LoadRecordIfAny(dir->get());
  if (!record) return Unexpected(record.error());
  if (!*record || (*record)->deleted) return NotFound();
  return LiveBlob{std::move(*dir), std::move(**record)};
}

Result<BlobProperties> LocalBlobStore::Put(std::string_view name, std::string_view bytes,
                                           const PutOptions& options) {
  auto valid = ValidatePut(name, options);
  if (!valid) return Unexpected(valid.error());
  bool made_dirs = false;
  auto result = WriteAndCommit(name, bytes, options, &made_dirs);
  // A first write that failed (a full volume) leaves no empty directories for listings and fsck.
  if (!result && made_dirs) PruneEmptyDirs(name);
  return result;
}

Result<BlobProperties> LocalBlobStore::WriteAndCommit(std::string_view name, std::string_view bytes,
                                                      const PutOptions& options, bool* made_dirs) {
  auto tree = LockTree(local_fs::LockMode::kShared);
  if (!tree) return Unexpected(tree.error());
  // Directories made on the way are fsynced last: their new entries ride on the journal commits
  // of the file fsyncs below (a put into a new job measured 5 fsyncs on its critical path, now 3
  // slow ones), and nothing reports success before every one of them is durable.
  std::vector<local_fs::UniqueFd> new_entries;
  auto dir = local_fs::MakeDirsUnsynced(blobs_.get(), BlobDirSegments(name), &new_entries);
  *made_dirs = !new_entries.empty();
  if (!dir) return Unexpected(dir.error());
  // The bytes are written and synced before taking the name's lock: the slow part runs in
  // parallel with every other writer, and a failed precondition only costs a temp file.
  auto temp = local_fs::WriteTempFile(dir->get(), bytes);
  if (!temp) return Unexpected(temp.error());

  auto result = CommitPut(dir->get(), name, bytes.size(), options, temp->name);
  if (!result) {
    (void)local_fs::UnlinkIn(dir->get(), temp->name);
    return result;
  }
  for (const local_fs::UniqueFd& parent : new_entries) {
    if (auto synced = local_fs::SyncFd(parent.get()); !synced) return Unexpected(synced.error());
  }
  return result;
}

Result<BlobProperties> LocalBlobStore::CommitPut(int dir, std::string_view name, uint64_t size,
                                                 const PutOptions& options,
                                                 const std::string& temp) {
  auto lock = LockBlob(dir);
  if (!lock) return Unexpected(lock.error());
  auto record = LoadRecordIfAny(dir);
  if (!record) return Unexpected(record.error());
  const bool live = *record && !(*record)->deleted && !Expired(**record);
  if (live && options.if_none_match_any) {
    return Unexpected(
        MakeError(ErrorCode::kConflict, std::string(reason::kConditionNotMet), "the blob exists"));
  }
  if (live && (*record)->current().tier == AccessTier::kArchive) return Archived();
  VersionRecord version;
  version.size = size;
  version.content_type =
      options.content_type.empty() ? PutOptions{}.content_type : options.content_type;
  version.cache_control = options.cache_control;
  version.tier = options.tier;
  version.tags = options.tags;
  return CommitVersion(
      dir, name, std::move(*record), std::move(version),
      [&temp](int d, const std::string& file) { return local_fs::RenameIn(d, temp, file); });
}

Result<BlobProperties> LocalBlobStore::CommitVersion(int dir, std::string_view name,
                                                     std::optional<BlobRecord> record,
                                                     VersionRecord version,
                                                     const Materialize& materialize) {
  const int64_t now = clock_.NowSeconds();
  std::vector<std::string> expired_files;
  if (record && Expired(*record)) {
    // Past retention the old history is gone: the blob starts afresh, and its files can go.
    for (const VersionRecord& v : record->versions) expired_files.push_back(v.version_id);
    record.reset();
  }
  const std::string floor = record ? record->current().version_id : std::string();
  VersionInstant instant = version_ids_.Next(floor);
  // A leftover file of an uncommitted write may already carry the id (a crash, then a restart
  // within the same second): never reuse a name.
  while (local_fs::ExistsIn(dir, FormatVersionId(instant))) {
    instant = version_ids_.Next(FormatVersionId(instant));
  }
  version.version_id = FormatVersionId(instant);
  version.etag = EtagFor(instant);
  version.last_modified = now;
  version.tier_changed = now;
  auto made = materialize(dir, version.version_id);
  if (!made) return Unexpected(made.error());

  BlobRecord next = record.value_or(BlobRecord{});
  if (!record || record->deleted) {
    next.created = now;  // a new blob, even where a soft-deleted one still lingers
    next.deleted = false;
    next.deleted_at = 0;
  }
  next.versions.push_back(std::move(version));
  auto stored = StoreRecord(dir, next);
  if (!stored) {
    (void)local_fs::UnlinkIn(dir, next.current().version_id);
    return Unexpected(stored.error());
  }
  for (const std::string& file : expired_files) (void)local_fs::UnlinkIn(dir, file);
  return PropertiesOf(name, next, next.versions.size() - 1);
}

std::shared_ptr<const CachedBlob> LocalBlobStore::FindCached(std::string_view name) {
  std::shared_ptr<const CachedBlob> entry = read_cache_.Find(name);
  if (!entry) return nullptr;
  // The meta.json the entry holds, by its descriptor: a commit or a removal by any process has
  // unlinked it (local_read_cache.h). A mismatch or an error falls back to the safe path.
  auto held = local_fs::StatFile(entry->meta->get(), "");
  if (!held || !(*held == entry->meta_identity)) return nullptr;
  // The path, once a second: only a directory moved outside the store changes where it leads.
  // One fstatat of the whole path. Unlike the safe path it follows a symlink in a directory on the
  // way, and that is still safe: it reads nothing, it only decides whether the entry may answer.
  // The entry was filled through the safe path (no symlink anywhere) and keeps that meta.json
  // open, so an identity match means the path leads to that very file, unchanged; any other file
  // has another identity. (The one match through a symlink: this blob's own directory moved
  // elsewhere on the same file system with a symlink left in its place; the answer is then still
  // the bytes this store committed and read safely, never the bytes of a file reached through the
  // symlink.)
  const int64_t now_ms = clock_.NowMillis();
  const int64_t checked_ms = entry->path_checked_ms.load(std::memory_order_relaxed);
  if (now_ms - checked_ms >= kPathRecheckMs || now_ms < checked_ms) {
    auto at_path = local_fs::StatFile(blobs_.get(), MetaPathOf(name));
    if (!at_path || !(*at_path == entry->meta_identity)) return nullptr;
    entry->path_checked_ms.store(now_ms, std::memory_order_relaxed);
  }
  return entry;
}

Result<std::pair<local_fs::UniqueFd, std::shared_ptr<CachedBlob>>> LocalBlobStore::LoadFresh(
    std::string_view name) {
  auto dir = OpenBlobDir(name);
  auto blob = dir ? ReadCachedBlob(dir->get()) : Unexpected(dir.error());
  if (!blob) {
    // What is cached no longer matches anything readable; its descriptors may pin the files of a
    // purged blob.
    read_cache_.Erase(name);
    return blob.error().code == ErrorCode::kNotFound ? NotFound() : Unexpected(blob.error());
  }
  // The safe path has just led to this meta.json: as good as a path check.
  (*blob)->path_checked_ms.store(clock_.NowMillis(), std::memory_order_relaxed);
  return std::make_pair(std::move(*dir), std::move(*blob));
}

Result<BlobData> LocalBlobStore::Get(std::string_view name, std::optional<ByteRange> range,
                                     ReadAs as) {
  auto valid = ValidateLocalBlobName(name);
  if (!valid) return Unexpected(valid.error());
  if (auto cached = FindCached(name)) {
    auto span = CheckReadable(cached->record, range);
    if (!span) return Unexpected(span.error());
    if (cached->data) return ReadFrom(name, *cached, *span, as);
    // Filled by GetProperties: the data file was never opened.
  }
  return GetUncached(name, range, as);
}

Result<BlobData> LocalBlobStore::GetUncached(std::string_view name, std::optional<ByteRange> range,
                                             ReadAs as) {
  auto fresh = LoadFresh(name);
  if (!fresh) return Unexpected(fresh.error());
  auto& [dir, blob] = *fresh;
  auto span = CheckReadable(blob->record, range);
  if (span) {
    // Purge may remove the file between reading the record and here: then the blob is gone.
    auto fd = local_fs::OpenFile(dir.get(), blob->record.current().version_id);
    if (!fd) return fd.error().code == ErrorCode::kNotFound ? NotFound() : Unexpected(fd.error());
    blob->data = std::make_shared<const local_fs::UniqueFd>(std::move(*fd));
  }
  read_cache_.Insert(name, blob);
  if (!span) return Unexpected(span.error());
  return ReadFrom(name, *blob, *span, as);
}

Result<BlobProperties> LocalBlobStore::GetProperties(std::string_view name) {
  auto valid = ValidateLocalBlobName(name);
  if (!valid) return Unexpected(valid.error());
  std::shared_ptr<const CachedBlob> blob = FindCached(name);
  if (!blob) {
    auto fresh = LoadFresh(name);
    if (!fresh) return Unexpected(fresh.error());
    blob = fresh->second;
    read_cache_.Insert(name, blob);
  }
  if (blob->record.deleted) return NotFound();
  return PropertiesOf(name, blob->record, blob->record.versions.size() - 1);
}

Result<std::vector<BlobProperties>> LocalBlobStore::ListVersions(std::string_view name) {
  auto valid = ValidateLocalBlobName(name);
  if (!valid) return Unexpected(valid.error());
  auto blob = LoadLive(name);
  if (!blob) return Unexpected(blob.error());
  std::vector<BlobProperties> out;
  for (size_t i = 0; i < blob->record.versions.size(); ++i) {
    out.push_back(PropertiesOf(name, blob->record, i));
  }
  return out;
}

Status LocalBlobStore::RestoreVersion(std::string_view name, std::string_view version_id) {
  auto valid = ValidateLocalBlobName(name);
  if (!valid) return valid;
  auto tree = LockTree(local_fs::LockMode::kShared);
  if (!tree) return Unexpected(tree.error());
  auto dir = OpenBlobDir(name);
  if (!dir) return Unexpected(dir.error());
  auto lock = LockBlob(dir->get());
  if (!lock) return Unexpected(lock.error());
  auto record = LoadRecordIfAny(dir->get());
  if (!record) return Unexpected(record.error());
  if (!*record || (*record)->deleted) return NotFound();
  const auto& versions = (*record)->versions;
  auto source = std::find_if(versions.begin(), versions.end(),
                             [&](const VersionRecord& v) { return v.version_id == version_id; });
  if (source == versions.end()) return NotFound("no such version");
  // Azure copies the version over the blob: refused onto, or from, archived content.
  if (source->tier == AccessTier::kArchive || (*record)->current().tier == AccessTier::kArchive) {
    return Archived();
  }
  VersionRecord version = *source;
  version.tier = AccessTier::kHot;
  // Data files are immutable, so the new version can share the old one's bytes.
  const std::string source_file = source->version_id;
  auto committed = CommitVersion(dir->get(), name, std::move(*record), std::move(version),
                                 [&source_file](int d, const std::string& file) {
                                   return local_fs::LinkIn(d, source_file, file);
                                 });
  if (!committed) return Unexpected(committed.error());
  return Ok();
}

Status LocalBlobStore::DeleteVersion(std::string_view name, std::string_view version_id) {
  const std::string version(version_id);
  auto dropped = Mutate(name, [&version](BlobRecord& record) -> Status {
    if (record.deleted) return NotFound();
    auto& versions = record.versions;
    for (size_t i = 0; i < versions.size(); ++i) {
      if (versions[i].version_id != version) continue;
      if (i + 1 == versions.size()) {
        return Unexpected(MakeError(ErrorCode::kConflict, "CannotDeleteCurrentVersion",
                                    "the current version goes with the blob: delete the blob"));
      }
      versions.erase(versions.begin() + static_cast<std::ptrdiff_t>(i));
      return Ok();
    }
    return NotFound("no such version");
  });
  if (!dropped) return dropped;
  // The record no longer names the file, so no reader can reach it; a failed unlink leaves an
  // unreferenced file that the clean-up at open removes.
  auto tree = LockTree(local_fs::LockMode::kShared);
  if (!tree) return Ok();  // the same leftover as a failed unlink
  if (auto dir = OpenBlobDir(name)) (void)local_fs::UnlinkIn(dir->get(), version);
  return Ok();
}

Status LocalBlobStore::Mutate(std::string_view name,
                              const std::function<Status(BlobRecord&)>& change) {
  auto valid = ValidateLocalBlobName(name);
  if (!valid) return valid;
  auto tree = LockTree(local_fs::LockMode::kShared);
  if (!tree) return Unexpected(tree.error());
  auto dir = OpenBlobDir(name);
  if (!dir) return Unexpected(dir.error());
  auto lock = LockBlob(dir->get());
  if (!lock) return Unexpected(lock.error());
  auto record = LoadRecordIfAny(dir->get());
  if (!record) return Unexpected(record.error());
  if (!*record) return NotFound();
  auto changed = change(**record);
  if (!changed) return changed;
  return StoreRecord(dir->get(), **record);
}

Status LocalBlobStore::Delete(std::string_view name) {
  return Mutate(name, [this](BlobRecord& record) -> Status {
    if (record.deleted) return NotFound();
    record.deleted = true;
    record.deleted_at = clock_.NowSeconds();
    return Ok();
  });
}

Status LocalBlobStore::Discard(std::string_view name, std::string_view version_id) {
  auto valid = ValidateLocalBlobName(name);
  if (!valid) return valid;
  auto removed = RemoveIfOnlyVersion(name, version_id);
  if (!removed) return Unexpected(removed.error());
  // Older versions are someone's history (and a newer one someone's write): those stay restorable.
  if (!*removed) return Delete(name);
  return Ok();
}

Result<bool> LocalBlobStore::RemoveIfOnlyVersion(std::string_view name,
                                                 std::string_view version_id) {
  // Exclusive, as for purging: every writer (Mutate too) holds it shared, so no one rewrites this
  // record or makes a file or directory on this path while it goes; no blob lock is needed.
  auto tree = LockTree(local_fs::LockMode::kExclusive);
  if (!tree) return Unexpected(tree.error());
  auto dir = OpenBlobDir(name);
  if (!dir) return Unexpected(dir.error());
  auto record = LoadRecordIfAny(dir->get());
  if (!record) return Unexpected(record.error());
  if (!*record) return NotFound();
  const std::vector<VersionRecord>& versions = (*record)->versions;
  if (versions.size() != 1 || versions.front().version_id != version_id) return false;
  // meta.json goes first and durably: from then on the blob does not exist, and a crash leaves an
  // uncommitted leftover that Open removes. Unlinking and removing directories take no space.
  auto unlinked = local_fs::UnlinkIn(dir->get(), kMetaFileName);
  if (unlinked) unlinked = local_fs::SyncFd(dir->get());
  if (!unlinked) return Unexpected(unlinked.error());
  // A cached entry's open descriptors would keep the data file's blocks allocated.
  read_cache_.Erase(name);
  auto removed = RemoveBlobTree(std::string(name));
  if (!removed) return Unexpected(removed.error());
  return true;
}

Status LocalBlobStore::Undelete(std::string_view name) {
  return Mutate(name, [this](BlobRecord& record) -> Status {
    if (Expired(record)) return NotFound("the soft-delete retention has passed");
    record.deleted = false;  // undeleting a live blob is a no-op, as in Azure
    record.deleted_at = 0;
    return Ok();
  });
}

// The priority is Azure's: locally a rehydration from Archive is immediate.
Status LocalBlobStore::SetTier(std::string_view name, AccessTier tier, RehydratePriority) {
  return Mutate(name, [this, tier](BlobRecord& record) -> Status {
    if (record.deleted) return NotFound();
    if (record.current().tier != tier) {
      record.current().tier = tier;
      record.current().tier_changed = clock_.NowSeconds();
    }
    return Ok();
  });
}

Status LocalBlobStore::SetTags(std::string_view name, const Tags& tags) {
  auto valid = ValidateTags(tags);
  if (!valid) return valid;
  // Neither the ETag nor last-modified changes: tags are not content (as Azure).
  return Mutate(name, [&tags](BlobRecord& record) -> Status {
    if (record.deleted) return NotFound();
    record.current().tags = tags;
    return Ok();
  });
}

}  // namespace noisett::storage
