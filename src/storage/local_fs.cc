// With local_lock.cc (flock), the only storage files that call POSIX directly. Every open is
// relative to a directory fd and carries O_NOFOLLOW | O_CLOEXEC; every write that must survive a
// crash is followed by fsync of the file and of the directory that names it.
#include "storage/local_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>

#include "storage/blob_store.h"
#include "storage/local_lock.h"

namespace noisett::storage::local_fs {
namespace {

constexpr std::string_view kTempPrefix = ".tmp-";
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

Unexpected Fail(std::string_view op, int err) { return Unexpected(ErrnoError(op, err)); }

// Unique within the process (counter) and across processes sharing the directory (pid, random).
std::string NewTempName() {
  static const uint64_t seed = std::random_device{}();
  static std::atomic<uint64_t> counter{0};
  char buf[80];
  std::snprintf(buf, sizeof buf, "%.*s%x-%llx-%llx", static_cast<int>(kTempPrefix.size()),
                kTempPrefix.data(), static_cast<unsigned>(getpid()),
                static_cast<unsigned long long>(seed & 0xffffffffffULL),
                static_cast<unsigned long long>(counter.fetch_add(1)));
  return buf;
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("write", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

EntryKind KindOf(int dir, const dirent& entry) {
  if (entry.d_type == DT_DIR) return EntryKind::kDirectory;
  if (entry.d_type == DT_REG) return EntryKind::kFile;
  if (entry.d_type != DT_UNKNOWN) return EntryKind::kOther;
  struct stat st {};
  if (::fstatat(dir, entry.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return EntryKind::kOther;
  if (S_ISDIR(st.st_mode)) return EntryKind::kDirectory;
  return S_ISREG(st.st_mode) ? EntryKind::kFile : EntryKind::kOther;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::Release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Error ErrnoError(std::string_view op, int err) {
  std::string message = std::string(op) + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return MakeError(ErrorCode::kNotFound, std::string(reason::kBlobNotFound),
                       std::move(message));
    case ELOOP:
    case EXDEV:  // openat2's RESOLVE_BENEATH: the path would leave the store
    case ENOTDIR:
    case ENOTEMPTY:
      return MakeError(ErrorCode::kConflict, "BlobPathConflict", std::move(message));
    case ENOSPC:  // the file system is full (or out of inodes)
    case EDQUOT:  // the store's user is over its quota
      return MakeError(
          ErrorCode::kInsufficientStorage, "insufficient_storage",
          "the blob store is out of space (" + message + "); free space on its volume, then retry");
    default:
      return MakeError(ErrorCode::kUnavailable, "StoreUnavailable", std::move(message));
  }
}

bool IsTempName(std::string_view name) { return name.substr(0, kTempPrefix.size()) == kTempPrefix; }

Result<UniqueFd> OpenDir(int dir, const std::string& name) {
  const int fd = ::openat(dir, name.c_str(), kDirFlags);
  if (fd < 0) return Fail("open directory", errno);
  return UniqueFd(fd);
}

namespace {

// OpenOrMakeDir without the fsync; `*made`: the parent got an entry that may not be durable yet.
Result<UniqueFd> OpenOrMakeDirUnsynced(int dir, const std::string& name, bool* made) {
  *made = false;
  auto opened = OpenDir(dir, name);
  if (opened || opened.error().code != ErrorCode::kNotFound) return opened;
  if (::mkdirat(dir, name.c_str(), 0755) != 0 && errno != EEXIST) return Fail("mkdir", errno);
  // Another thread may have created it first and not synced it yet: either way, not yet durable.
  *made = true;
  return OpenDir(dir, name);
}

}  // namespace

Result<UniqueFd> OpenOrMakeDir(int dir, const std::string& name) {
  bool made = false;
  auto opened = OpenOrMakeDirUnsynced(dir, name, &made);
  if (opened && made) {
    if (auto synced = SyncFd(dir); !synced) return Unexpected(synced.error());
  }
  return opened;
}

namespace {

// openat2 may be missing (kernel < 5.6) or filtered (some container seccomp profiles answer
// ENOSYS or EPERM); then every lookup walks component by component.
std::atomic<bool> g_openat2_usable{true};

// The whole relative path in one syscall. The kernel enforces what the walk below does by hand:
// no symlink anywhere on the way (RESOLVE_NO_SYMLINKS) and nothing outside `base`
// (RESOLVE_BENEATH). nullopt: openat2 cannot be used here, walk instead.
std::optional<Result<UniqueFd>> OpenDirBeneath(int base, const std::vector<std::string>& segments) {
#ifdef SYS_openat2
  if (!g_openat2_usable.load(std::memory_order_relaxed)) return std::nullopt;
  std::string path = ".";
  for (const std::string& segment : segments) (path += '/') += segment;
  open_how how{};
  how.flags = static_cast<uint64_t>(kDirFlags);
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const long fd = ::syscall(SYS_openat2, base, path.c_str(), &how, sizeof how);
    if (fd >= 0) return Result<UniqueFd>(UniqueFd(static_cast<int>(fd)));
    if (errno == EAGAIN || errno == EINTR) continue;  // a concurrent rename raced the lookup
    if (errno == ENOSYS || errno == EPERM || errno == E2BIG || errno == EINVAL) {
      g_openat2_usable.store(false, std::memory_order_relaxed);
      return std::nullopt;
    }
    return Result<UniqueFd>(Fail("open directory", errno));
  }
#else
  (void)base;
  (void)segments;
#endif
  return std::nullopt;
}

}  // namespace

Result<UniqueFd> WalkDirs(int base, const std::vector<std::string>& segments) {
  if (auto opened = OpenDirBeneath(base, segments)) return std::move(*opened);
  UniqueFd current(::openat(base, ".", kDirFlags));
  if (!current.valid()) return Fail("open directory", errno);
  for (const std::string& segment : segments) {
    auto next = OpenDir(current.get(), segment);
    if (!next) return Unexpected(next.error());
    current = std::move(*next);
  }
  return current;
}

Result<UniqueFd> MakeDirsUnsynced(int base, const std::vector<std::string>& segments,
                                  std::vector<UniqueFd>* to_sync) {
  UniqueFd current(::openat(base, ".", kDirFlags));
  if (!current.valid()) return Fail("open directory", errno);
  for (const std::string& segment : segments) {
    bool made = false;
    auto next = OpenOrMakeDirUnsynced(current.get(), segment, &made);
    if (!next) return Unexpected(next.error());
    if (made) to_sync->push_back(std::move(current));
    current = std::move(*next);
  }
  return current;
}

Result<UniqueFd> OpenFile(int dir, const std::string& name) {
  const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Fail("open", errno);
  return UniqueFd(fd);
}

Result<uint64_t> FileSize(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Fail("stat", errno);
  if (!S_ISREG(st.st_mode)) return Fail("stat", EINVAL);
  return static_cast<uint64_t>(st.st_size);
}

Result<FileIdentity> StatFile(int dir, const std::string& path) {
  struct stat st {};
  const int flags = AT_SYMLINK_NOFOLLOW | (path.empty() ? AT_EMPTY_PATH : 0);
  if (::fstatat(dir, path.c_str(), &st, flags) != 0) return Fail("stat", errno);
  if (!S_ISREG(st.st_mode)) return Fail("stat", EINVAL);
  constexpr int64_t kNsPerSecond = 1'000'000'000;
  FileIdentity id;
  id.device = static_cast<uint64_t>(st.st_dev);
  id.inode = static_cast<uint64_t>(st.st_ino);
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = int64_t{st.st_mtim.tv_sec} * kNsPerSecond + st.st_mtim.tv_nsec;
  id.ctime_ns = int64_t{st.st_ctim.tv_sec} * kNsPerSecond + st.st_ctim.tv_nsec;
  id.links = static_cast<uint64_t>(st.st_nlink);
  return id;
}

Result<std::string> ReadAt(int fd, uint64_t offset, uint64_t length) {
  std::string out(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    const ssize_t n =
        ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("read", errno);
    }
    if (n == 0) {
      return Unexpected(MakeError(ErrorCode::kUnavailable, "StoreUnavailable",
                                  "read: file is shorter than its recorded size"));
    }
    done += static_cast<uint64_t>(n);
  }
  return out;
}

Result<std::string> ReadWholeFile(int dir, const std::string& name) {
  auto fd = OpenFile(dir, name);
  if (!fd) return Unexpected(fd.error());
  auto size = FileSize(fd->get());
  if (!size) return Unexpected(size.error());
  return ReadAt(fd->get(), 0, *size);
}

namespace {

// A fresh temp file in `dir`, created and then locked. Between the two it is unlocked, and a
// clean-up may take its lock and unlink it (RemoveTempIfAbandoned); a file found unlinked once
// locked is given up for another name, so the lock alone protects a write in progress.
Result<TempFile> CreateLockedTempFile(int dir) {
  for (;;) {
    TempFile temp;
    temp.name = NewTempName();
    const int raw = ::openat(dir, temp.name.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (raw < 0 && errno == EEXIST) continue;
    if (raw < 0) return Fail("create temp file", errno);
    temp.lock = UniqueFd(raw);
    if (Status locked = LockFd(raw, LockMode::kExclusive, /*wait=*/true); !locked) {
      ::unlinkat(dir, temp.name.c_str(), 0);
      return Unexpected(locked.error());
    }
    struct stat st {};
    if (::fstat(raw, &st) != 0) {
      const int err = errno;
      ::unlinkat(dir, temp.name.c_str(), 0);
      return Fail("stat temp file", err);
    }
    if (st.st_nlink > 0) return temp;
  }
}

}  // namespace

Result<TempFile> WriteTempFile(int dir, std::string_view bytes) {
  auto temp = CreateLockedTempFile(dir);
  if (!temp) return Unexpected(temp.error());
  // The descriptor stays open as the writer's lock, so close() reports nothing here; fsync has
  // already reported any write error (the deferred errors close() can return on NFS included).
  Status written = WriteAll(temp->lock.get(), bytes);
  if (written) written = SyncFd(temp->lock.get());
  if (!written) {
    ::unlinkat(dir, temp->name.c_str(), 0);
    return Unexpected(written.error());
  }
  return temp;
}

Status WriteFileAtomic(int dir, const std::string& name, std::string_view bytes) {
  auto temp = WriteTempFile(dir, bytes);
  if (!temp) return Unexpected(temp.error());
  auto renamed = RenameIn(dir, temp->name, name);
  if (!renamed) {
    ::unlinkat(dir, temp->name.c_str(), 0);
    return renamed;
  }
  return SyncFd(dir);
}

Status RenameIn(int dir, const std::string& from, const std::string& to) {
  if (::renameat(dir, from.c_str(), dir, to.c_str()) != 0) return Fail("rename", errno);
  return Ok();
}

Status LinkIn(int dir, const std::string& from, const std::string& to) {
  if (::linkat(dir, from.c_str(), dir, to.c_str(), 0) != 0) return Fail("link", errno);
  return Ok();
}

Status UnlinkIn(int dir, const std::string& name) {
  if (::unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) return Fail("unlink", errno);
  return Ok();
}

Status RemoveDirIn(int dir, const std::string& name) {
  if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0) return Fail("rmdir", errno);
  return Ok();
}

Status SyncFd(int fd) {
  if (::fsync(fd) != 0) return Fail("fsync", errno);
  return Ok();
}

bool ExistsIn(int dir, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

Result<std::vector<DirEntry>> ListDir(int dir) {
  // A fresh descriptor: readdir's position must not be shared with `dir`.
  const int fd = ::openat(dir, ".", kDirFlags);
  if (fd < 0) return Fail("open directory", errno);
  DIR* stream = ::fdopendir(fd);
  if (stream == nullptr) {
    const int err = errno;
    ::close(fd);
    return Fail("opendir", err);
  }
  std::vector<DirEntry> entries;
  errno = 0;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") entries.push_back({std::string(name), KindOf(fd, *entry)});
    errno = 0;
  }
  const int err = errno;
  ::closedir(stream);
  if (err != 0) return Fail("readdir", err);
  return entries;
}

}  // namespace noisett::storage::local_fs
