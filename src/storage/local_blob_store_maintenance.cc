// LocalBlobStore's life cycle: configuration from NOISETT_STORE, opening (with the clean-up of
// what a crash left behind), readiness, and purging soft-deleted blobs past retention.
#include <fcntl.h>

#include <filesystem>
#include <set>
#include <system_error>

#include "core/log.h"
#include "storage/local_blob_store.h"
#include "storage/local_lock.h"
#include "storage/local_tree.h"

namespace noisett::storage {
namespace {

constexpr std::string_view kFileScheme = "file://";

Unexpected Invalid(std::string reason, std::string message) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, std::move(reason), std::move(message)));
}

Unexpected Unavailable(std::string message) {
  return Unexpected(MakeError(ErrorCode::kUnavailable, "StoreUnavailable", std::move(message)));
}

// Azure's container naming rules; the name also becomes a directory, so this is a safety check.
bool IsValidContainerName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63 || name.front() == '-' || name.back() == '-') {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && name[i - 1] == '-')) return false;
  }
  return true;
}

// The blobs directory, created along with ROOT and CONTAINER as needed. ROOT is the operator's
// choice and may itself be a symlink; below it nothing is followed.
Result<local_fs::UniqueFd> OpenBlobsDir(const std::string& root, const std::string& container) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return Unavailable("cannot create " + root + ": " + ec.message());
  local_fs::UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) return Unexpected(local_fs::ErrnoError("open " + root, errno));
  auto container_fd = local_fs::OpenOrMakeDir(root_fd.get(), container);
  if (!container_fd) return Unexpected(container_fd.error());
  return local_fs::OpenOrMakeDir(container_fd->get(), "blobs");
}

bool IsVersionFile(std::string_view name) { return ParseVersionId(name).has_value(); }

}  // namespace

Result<LocalStoreConfig> ParseStoreUrl(std::string_view url) {
  if (url.substr(0, kFileScheme.size()) != kFileScheme) {
    return Invalid("InvalidStoreUrl", "the local store needs a file://DIR URL");
  }
  const std::string_view path = url.substr(kFileScheme.size());
  if (path.empty() || path.find('\0') != std::string_view::npos) {
    return Invalid("InvalidStoreUrl", "file:// needs a directory path");
  }
  LocalStoreConfig config;
  config.root = std::string(path);
  return config;
}

Result<std::unique_ptr<LocalBlobStore>> LocalBlobStore::Open(const LocalStoreConfig& config,
                                                             const Clock& clock) {
  if (!IsValidContainerName(config.container)) {
    return Invalid("InvalidResourceName", "container names are 3..63 characters of [a-z0-9-]");
  }
  if (config.retention_days < 1 || config.retention_days > 365) {
    return Invalid("InvalidRetention", "soft-delete retention must be 1..365 days");
  }
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::absolute(config.root, ec);
  if (ec) return Unavailable("bad store root: " + ec.message());
  auto blobs = OpenBlobsDir(root.string(), config.container);
  if (!blobs) return Unexpected(blobs.error());
  std::unique_ptr<LocalBlobStore> store(
      new LocalBlobStore(config, root.lexically_normal().string(), clock, std::move(*blobs)));
  store->CleanUpAtOpen();
  return store;
}

void LocalBlobStore::CleanUpAtOpen() {
  const int64_t now = clock_.NowSeconds();
  int removed = 0;
  // CheckReady's probe files live at the top.
  if (auto entries = local_fs::ListDir(blobs_.get())) {
    for (const auto& entry : *entries) {
      if (entry.kind != local_fs::EntryKind::kFile || !local_fs::IsTempName(entry.name)) continue;
      auto gone =
          local_fs::RemoveTempIfAbandoned(blobs_.get(), entry.name, now, kAbandonedTempAgeSeconds);
      if (gone && *gone) ++removed;
    }
  }
  auto names = CollectBlobNames(blobs_.get(), "");
  if (!names) {
    LogWarn("storage: clean-up at open skipped: " + names.error().ToString());
    return;
  }
  for (const std::string& name : *names) {
    if (CleanUpBlobDir(name, now, &removed)) RemoveUncommittedBlob(name, now, &removed);
  }
  if (removed > 0) {
    LogInfo("storage: removed " + std::to_string(removed) +
            " leftover file(s) of interrupted writes");
  }
}

// Under the blob's lock (which every commit holds from its version file's rename to its meta.json
// write), a version file that meta.json does not name is a write that never committed, and goes;
// a temp file goes only when abandoned (local_lock.h). Returns true when there is no meta.json.
bool LocalBlobStore::CleanUpBlobDir(const std::string& name, int64_t now, int* removed) {
  auto tree = LockTree(local_fs::LockMode::kShared);
  if (!tree) return false;
  auto dir = OpenBlobDir(name);
  if (!dir) return false;
  auto lock = LockBlob(dir->get());
  if (!lock) return false;
  std::set<std::string> keep;
  auto text = local_fs::ReadWholeFile(dir->get(), kMetaFileName);
  if (text) {
    auto record = ParseRecord(*text);
    if (!record) {
      LogWarn("storage: leaving blob with unreadable meta.json untouched: " + name);
      return false;
    }
    keep.insert(kMetaFileName);
    for (const VersionRecord& v : record->versions) keep.insert(v.version_id);
  } else if (text.error().code != ErrorCode::kNotFound) {
    return false;
  }
  auto entries = local_fs::ListDir(dir->get());
  if (!entries) return false;
  for (const auto& entry : *entries) {
    if (entry.kind != local_fs::EntryKind::kFile || keep.count(entry.name)) continue;
    if (local_fs::IsTempName(entry.name)) {
      auto gone =
          local_fs::RemoveTempIfAbandoned(dir->get(), entry.name, now, kAbandonedTempAgeSeconds);
      if (gone && *gone) ++*removed;
    } else if (IsVersionFile(entry.name) && local_fs::UnlinkIn(dir->get(), entry.name)) {
      ++*removed;
    }
  }
  return keep.empty();
}

// A blob directory without meta.json is a first write in flight, or what one left behind. Every
// write holds the tree lock shared from making the directory to committing, so with the lock held
// exclusively nothing is in flight. The lock is only tried: the clean-up never makes writers wait,
// and what it skips is left for the next open. A temp file that is not yet abandoned keeps it too.
void LocalBlobStore::RemoveUncommittedBlob(const std::string& name, int64_t now, int* removed) {
  auto tree = local_fs::FileLock::TryAcquire(blobs_.get(), ".", local_fs::LockMode::kExclusive);
  if (!tree || !tree->has_value()) return;
  auto dir = OpenBlobDir(name);
  if (!dir || local_fs::ExistsIn(dir->get(), kMetaFileName)) return;
  auto entries = local_fs::ListDir(dir->get());
  if (!entries) return;
  for (const auto& entry : *entries) {
    if (!local_fs::IsTempName(entry.name)) continue;
    auto gone =
        local_fs::RemoveTempIfAbandoned(dir->get(), entry.name, now, kAbandonedTempAgeSeconds);
    if (!gone || !*gone) return;
  }
  if (RemoveBlobTree(name)) ++*removed;
}

namespace {

// What purging a blob reclaims: its current version's properties, with every version's bytes.
BlobProperties Reclaimed(const std::string& name, const BlobRecord& record) {
  BlobProperties gone = PropertiesOf(name, record, record.versions.size() - 1);
  gone.size = 0;
  for (const VersionRecord& v : record.versions) gone.size += v.size;
  return gone;
}

}  // namespace

Result<std::vector<BlobProperties>> LocalBlobStore::PurgeExpired(bool dry_run) {
  auto names = CollectBlobNames(blobs_.get(), "");
  if (!names) return Unexpected(names.error());
  std::vector<BlobProperties> purged;
  std::vector<std::string> expired;
  for (const std::string& name : *names) {
    auto dir = OpenBlobDir(name);
    if (!dir) continue;
    auto text = local_fs::ReadWholeFile(dir->get(), kMetaFileName);
    if (!text) continue;
    auto record = ParseRecord(*text);
    if (!record || !Expired(*record)) continue;
    if (dry_run) {
      purged.push_back(Reclaimed(name, *record));
    } else {
      expired.push_back(name);
    }
  }
  if (expired.empty()) return purged;
  // Exclusive: no writer may be creating a file or directory on a path being removed.
  auto tree = LockTree(local_fs::LockMode::kExclusive);
  if (!tree) return Unexpected(tree.error());
  for (const std::string& name : expired) {
    auto dir = OpenBlobDir(name);
    if (!dir) continue;
    auto text = local_fs::ReadWholeFile(dir->get(), kMetaFileName);
    auto record = text ? ParseRecord(*text) : Result<BlobRecord>(Unexpected(text.error()));
    if (!record || !Expired(*record)) continue;  // undeleted or rewritten since the scan
    // meta.json goes first and durably: after a crash the rest is an uncommitted leftover.
    auto unlinked = local_fs::UnlinkIn(dir->get(), kMetaFileName);
    if (unlinked) unlinked = local_fs::SyncFd(dir->get());
    if (!unlinked) return Unexpected(unlinked.error());
    auto removed = RemoveBlobTree(name);
    if (!removed) return Unexpected(removed.error());
    purged.push_back(Reclaimed(name, *record));
  }
  if (!purged.empty()) {
    LogInfo("storage: purged " + std::to_string(purged.size()) + " expired blob(s)");
  }
  return purged;
}

// Removes the blob's directory with everything in it, then every parent directory the removal
// left empty (up to the blobs directory).
Status LocalBlobStore::RemoveBlobTree(const std::string& name) {
  std::vector<std::string> segments = BlobDirSegments(name);
  auto dir = local_fs::WalkDirs(blobs_.get(), segments);
  if (!dir) return Unexpected(dir.error());
  auto entries = local_fs::ListDir(dir->get());
  if (!entries) return Unexpected(entries.error());
  for (const auto& entry : *entries) {
    auto unlinked = local_fs::UnlinkIn(dir->get(), entry.name);
    if (!unlinked) return unlinked;
  }
  return RemoveEmptyDirs(std::move(segments));
}

void LocalBlobStore::PruneEmptyDirs(std::string_view name) {
  auto tree = LockTree(local_fs::LockMode::kExclusive);
  if (!tree) return;  // left for the clean-up at the next open
  (void)RemoveEmptyDirs(BlobDirSegments(std::string(name)));
}

Status LocalBlobStore::RemoveEmptyDirs(std::vector<std::string> segments) {
  while (!segments.empty()) {
    const std::string last = segments.back();
    segments.pop_back();
    auto parent = local_fs::WalkDirs(blobs_.get(), segments);
    if (!parent) continue;  // never made (a write that failed on the way): try the one above
    if (!local_fs::ExistsIn(parent->get(), last)) continue;
    if (!local_fs::RemoveDirIn(parent->get(), last)) return Ok();  // not empty: others live here
    auto synced = local_fs::SyncFd(parent->get());
    if (!synced) return synced;
  }
  return Ok();
}

Status LocalBlobStore::CheckReady() {
  auto probe = local_fs::WriteTempFile(blobs_.get(), "ready");
  if (!probe) return Unavailable("store not writable: " + probe.error().message);
  auto removed = local_fs::UnlinkIn(blobs_.get(), probe->name);
  if (!removed) return Unavailable("store not writable: " + removed.error().message);
  return Ok();
}

std::string LocalBlobStore::Describe() const {
  return "file://" + root_ + " (container " + container_ + ")";
}

}  // namespace noisett::storage
