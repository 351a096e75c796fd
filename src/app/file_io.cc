// POSIX file I/O for the CLI; errno becomes an Error in one place (OsError).
#include "app/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace noisett::app {
namespace {

Unexpected OsError(const std::string& what, const std::filesystem::path& path, int err) {
  std::string message = what + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOENT) return Unexpected(MakeError(ErrorCode::kNotFound, "not_found", message));
  if (err == ENOSPC || err == EDQUOT) {
    return Unexpected(
        MakeError(ErrorCode::kInsufficientStorage, "insufficient_storage", std::move(message)));
  }
  return Unexpected(MakeError(ErrorCode::kUnavailable, "io_error", std::move(message)));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::string> ReadFileCapped(const std::filesystem::path& path, uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) return OsError("cannot open", path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return OsError("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "not_a_file",
                                path.string() + " is not a regular file"));
  }
  ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);
  const uint64_t cap = max_bytes == UINT64_MAX ? max_bytes : max_bytes + 1;
  std::string data;
  data.resize(static_cast<size_t>(std::min<uint64_t>(uint64_t(st.st_size), cap)));
  size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::read(f.fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return OsError("cannot read", path, errno);
    if (n == 0) break;
    got += size_t(n);
  }
  data.resize(got);
  return data;
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data) {
  std::string tmp = path.string() + ".tmp-XXXXXX";
  Fd f{::mkstemp(tmp.data())};
  if (f.fd < 0) return OsError("cannot create", tmp, errno);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(f.fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return OsError("cannot write", path, err);
    }
    done += size_t(n);
  }
  if (::fchmod(f.fd, 0644) != 0 || ::fsync(f.fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return OsError("cannot write", path, err);
  }
  return Ok();
}

}  // namespace noisett::app
