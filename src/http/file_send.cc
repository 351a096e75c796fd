// FileSend: sendmsg(2) for the head and in-memory bytes, sendfile(2) for a file, all non-blocking.
#include "http/file_send.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace noisett::http {
namespace {

// Linux moves at most 0x7ffff000 bytes per sendfile call; larger spans take several.
constexpr uint64_t kMaxSendfileBytes = 0x7ffff000;

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

FileSend::FileSend(std::string head, std::string bytes, FileSpan file)
    : head_(std::move(head)), bytes_(std::move(bytes)), body_(std::move(file)) {}

uint64_t FileSend::body_sent() const {
  return (memory_sent_ > head_.size() ? memory_sent_ - head_.size() : 0) + body_sent_;
}

FileSend::Progress FileSend::Fail(int err) {
  error_ = err;
  return Progress::kFailed;
}

FileSend::Progress FileSend::Continue(int socket) {
  const size_t memory = head_.size() + bytes_.size();
  while (memory_sent_ < memory) {
    // What is left of the head, then of the bytes: one call, one segment for a small answer.
    iovec parts[2];
    int count = 0;
    if (memory_sent_ < head_.size()) {
      parts[count++] = {head_.data() + memory_sent_, head_.size() - memory_sent_};
    }
    const size_t bytes_from = memory_sent_ > head_.size() ? memory_sent_ - head_.size() : 0;
    if (bytes_from < bytes_.size()) {
      parts[count++] = {bytes_.data() + bytes_from, bytes_.size() - bytes_from};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<size_t>(count);
    // MSG_MORE holds the last bytes back for the file's first ones (one segment, not two); with
    // no file after them there is nothing to wait for.
    const int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (body_.length > 0 ? MSG_MORE : 0);
    const ssize_t n = ::sendmsg(socket, &message, flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      return WouldBlock(errno) ? Progress::kBlocked : Fail(errno);
    }
    memory_sent_ += static_cast<size_t>(n);
  }
  while (body_sent_ < body_.length) {
    auto offset = static_cast<off_t>(body_.offset + body_sent_);
    const uint64_t want = std::min(body_.length - body_sent_, kMaxSendfileBytes);
    const ssize_t n = ::sendfile(socket, body_.fd, &offset, static_cast<size_t>(want));
    if (n < 0) {
      if (errno == EINTR) continue;
      return WouldBlock(errno) ? Progress::kBlocked : Fail(errno);
    }
    if (n == 0) return Fail(EIO);  // the file ends before its span
    body_sent_ += static_cast<uint64_t>(n);
  }
  return Progress::kDone;
}

}  // namespace noisett::http
