// flock-based locks and the abandoned-temp-file rule. Besides local_fs.cc, the only storage file
// that calls POSIX directly (flock, and the open and fstat the locks need).
#include "storage/local_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace noisett::storage::local_fs {
namespace {

// Directories are locked too ("." for the directory itself), hence no O_DIRECTORY and no write
// access: flock needs neither.
constexpr int kLockOpenFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;

Result<UniqueFd> OpenForLock(int dir, const std::string& name) {
  const int fd = ::openat(dir, name.c_str(), kLockOpenFlags);
  if (fd < 0) return Unexpected(ErrnoError("open for lock", errno));
  return UniqueFd(fd);
}

}  // namespace

Status LockFd(int fd, LockMode mode, bool wait) {
  const int op = (mode == LockMode::kShared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (::flock(fd, op) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      return Unexpected(MakeError(ErrorCode::kConflict, "Locked", "held by another writer"));
    }
    return Unexpected(ErrnoError("flock", errno));
  }
  return Ok();
}

Result<FileLock> FileLock::Acquire(int dir, const std::string& name, LockMode mode) {
  auto fd = OpenForLock(dir, name);
  if (!fd) return Unexpected(fd.error());
  if (Status locked = LockFd(fd->get(), mode, /*wait=*/true); !locked) {
    return Unexpected(locked.error());
  }
  return FileLock(std::move(*fd));
}

Result<std::optional<FileLock>> FileLock::TryAcquire(int dir, const std::string& name,
                                                     LockMode mode) {
  auto fd = OpenForLock(dir, name);
  if (!fd) return Unexpected(fd.error());
  if (Status locked = LockFd(fd->get(), mode, /*wait=*/false); !locked) {
    if (locked.error().code == ErrorCode::kConflict) return std::optional<FileLock>();
    return Unexpected(locked.error());
  }
  return std::optional<FileLock>(FileLock(std::move(*fd)));
}

Result<bool> RemoveTempIfAbandoned(int dir, const std::string& name, int64_t now_s,
                                   int64_t min_age_s) {
  // The age first: it is one stat, and a young file is never locked, so a writer that has just
  // made its file never waits for the clean-up.
  auto identity = StatFile(dir, name);
  if (!identity) {
    if (identity.error().code == ErrorCode::kNotFound) return false;
    return Unexpected(identity.error());
  }
  constexpr int64_t kNsPerSecond = 1'000'000'000;
  if (now_s - identity->mtime_ns / kNsPerSecond < min_age_s) return false;
  auto lock = FileLock::TryAcquire(dir, name, LockMode::kExclusive);
  if (!lock) {
    if (lock.error().code == ErrorCode::kNotFound) return false;
    return Unexpected(lock.error());
  }
  if (!lock->has_value()) return false;  // its writer is alive
  // Unlinked while locked: temp names are never reused, so this is the file just checked.
  if (Status gone = UnlinkIn(dir, name); !gone) return Unexpected(gone.error());
  return true;
}

}  // namespace noisett::storage::local_fs
