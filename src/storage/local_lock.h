// Advisory file locks (flock(2)) for the processes and threads that share one local store
// directory, and the rule that decides when a temporary file is abandoned.
//
// A flock belongs to an open file description, not to a process: every FileLock opens its own, so
// two holders conflict whether they are threads of one process or two processes, and a lock goes
// with its holder (the kernel closes a dead process's files, so a crash never leaves one behind).
// fcntl (POSIX record) locks would not do: they never conflict inside one process, and closing any
// descriptor of the file drops them. flock is not reliable on NFS; the local store is for local
// file systems. Which lock guards what is LocalBlobStore's business (local_blob_store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "storage/local_fs.h"

namespace noisett::storage::local_fs {

enum class LockMode { kShared, kExclusive };

// flock(fd, mode), retried on EINTR. `wait` false: kConflict "Locked" at once when another holder
// has a conflicting lock. Other failures: ErrnoError.
Status LockFd(int fd, LockMode mode, bool wait);

// Holds a flock on a file or directory for its lifetime. Move-only.
class FileLock final {
 public:
  // Opens `name` inside `dir` ("." for `dir` itself; a symlink is refused) and locks it, waiting
  // for conflicting holders. Errors: ErrnoError (kNotFound when `name` does not exist).
  static Result<FileLock> Acquire(int dir, const std::string& name, LockMode mode);
  // As Acquire, but never waits: nullopt when a conflicting lock is held.
  static Result<std::optional<FileLock>> TryAcquire(int dir, const std::string& name,
                                                    LockMode mode);

  FileLock(FileLock&&) = default;
  FileLock& operator=(FileLock&&) = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() = default;  // closing the descriptor releases the lock

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// Removes the temporary file `name` in `dir` only when it is abandoned: it was last modified at
// least `min_age_s` before `now_s`, and no writer holds its lock (WriteTempFile locks each temp
// file for its writer's lifetime, and gives up a file unlinked before it could lock it). The lock
// alone protects a live write; the age guards against a file system whose flock is not shared.
// Returns whether it was removed; a file already gone is false, not an error.
Result<bool> RemoveTempIfAbandoned(int dir, const std::string& name, int64_t now_s,
                                   int64_t min_age_s);

}  // namespace noisett::storage::local_fs
