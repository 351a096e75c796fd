// POSIX file-system primitives for LocalBlobStore: an owning file descriptor, directory walks that
// never follow a symlink (every component is opened with O_NOFOLLOW relative to its parent, so
// nothing planted inside the root can lead outside it), durable atomic file replacement, and the
// single errno → Error translation. Knows nothing about blobs, versions or JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::storage::local_fs {

// Owns one file descriptor; closes it on destruction. Move-only.
class UniqueFd final {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();

 private:
  int fd_ = -1;
};

// errno of a failed `op` as an Error: ENOENT → kNotFound "BlobNotFound"; ELOOP/ENOTDIR (a symlink
// or a file where a directory belongs) and ENOTEMPTY → kConflict "BlobPathConflict"; ENOSPC and
// EDQUOT → kInsufficientStorage "insufficient_storage"; anything else → kUnavailable
// "StoreUnavailable" with strerror.
Error ErrnoError(std::string_view op, int err);

// Temporary files are named ".tmp-…"; no blob name segment or version file starts with '.'.
bool IsTempName(std::string_view name);

// Opens `name` (one component) inside `dir` as a directory, refusing symlinks.
Result<UniqueFd> OpenDir(int dir, const std::string& name);
// As OpenDir, creating the directory first when missing; a new directory's entry is made durable
// (the parent is fsynced) before returning, so a later fsync inside it is not lost on a crash.
Result<UniqueFd> OpenOrMakeDir(int dir, const std::string& name);
// Opens the directory `segments` leads to from `base`, refusing symlinks: one openat2 where the
// kernel allows it, else one component at a time.
Result<UniqueFd> WalkDirs(int base, const std::vector<std::string>& segments);
// Opens or makes each directory of `segments` in turn, refusing symlinks; a directory that gets a
// new entry is not fsynced here (unlike OpenOrMakeDir): it is
// appended to `to_sync`, and the caller must fsync each before it reports the write durable.
// Deferring lets those entries ride on the journal commit of the caller's own file fsyncs.
Result<UniqueFd> MakeDirsUnsynced(int base, const std::vector<std::string>& segments,
                                  std::vector<UniqueFd>* to_sync);

// Opens a regular file for reading, refusing symlinks.
Result<UniqueFd> OpenFile(int dir, const std::string& name);
Result<uint64_t> FileSize(int fd);

// What tells one committed file from another at the same path: a file replaced by rename has
// another inode; size and times catch an edit in place (which the store itself never makes). The
// link count tells an open file still named by its directory from one since unlinked or renamed
// over, exactly (times only move with the clock's tick).
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t links = 0;
  bool operator==(const FileIdentity&) const = default;
};
// The identity of the regular file at `path` relative to `dir`; an empty path: `dir` itself (an
// open file). Unlike every other lookup here, only the last component is refused as a symlink:
// callers use this as a check against an identity read safely, never to reach a file.
Result<FileIdentity> StatFile(int dir, const std::string& path);
// Reads [offset, offset + length) with pread; a short file is kUnavailable (never a short read).
Result<std::string> ReadAt(int fd, uint64_t offset, uint64_t length);
Result<std::string> ReadWholeFile(int dir, const std::string& name);

// A temp file just written. `lock` is its open descriptor, flock'ed exclusively (local_lock.h)
// from before the first byte (a file the clean-up unlinked between its creation and the lock is
// given up for a fresh one): the clean-up never removes a file whose writer still holds it.
// Keep it until the file has been renamed or removed; destroying it releases the lock.
struct TempFile {
  std::string name;
  UniqueFd lock;
};
// Creates a fresh ".tmp-…" file in `dir`, locks it, writes `bytes` and fsyncs it. On failure
// nothing is left behind.
Result<TempFile> WriteTempFile(int dir, std::string_view bytes);
// Replaces `name` atomically: temp file, fsync, rename, fsync of `dir`. Readers see the old or the
// new content, never a mix; after a crash the file holds one of the two.
Status WriteFileAtomic(int dir, const std::string& name, std::string_view bytes);

Status RenameIn(int dir, const std::string& from, const std::string& to);
Status LinkIn(int dir, const std::string& from, const std::string& to);
// Removes a file; a missing file is not an error.
Status UnlinkIn(int dir, const std::string& name);
// Removes an empty directory; kConflict "BlobPathConflict" (ENOTEMPTY) when it is not empty.
Status RemoveDirIn(int dir, const std::string& name);
Status SyncFd(int fd);
// True when `name` exists in `dir` (as anything, symlinks not followed).
bool ExistsIn(int dir, const std::string& name);

enum class EntryKind { kDirectory, kFile, kOther };  // kOther: symlinks, sockets, devices
struct DirEntry {
  std::string name;
  EntryKind kind = EntryKind::kOther;
};
// The entries of `dir` except "." and "..", in no particular order.
Result<std::vector<DirEntry>> ListDir(int dir);

}  // namespace noisett::storage::local_fs
