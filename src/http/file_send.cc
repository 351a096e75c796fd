// FileSend: send(2) for the head, sendfile(2) for the body, both non-blocking.
#include "http/file_send.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace noisett::http {
namespace {

// Linux moves at most 0x7ffff000 bytes per sendfile call; larger spans take several.
constexpr uint64_t kMaxSendfileBytes = 0x7ffff000;

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

FileSend::FileSend(std::string head, FileSpan body)
    : head_(std::move(head)), body_(std::move(body)) {}

FileSend::Progress FileSend::Fail(int err) {
  error_ = err;
  return Progress::kFailed;
}

FileSend::Progress FileSend::Continue(int socket) {
  while (head_sent_ < head_.size()) {
    // MSG_MORE holds the head back for the body's first bytes (one segment, not two); an empty
    // body has none to wait for.
    const int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (body_.length > 0 ? MSG_MORE : 0);
    const ssize_t n = ::send(socket, head_.data() + head_sent_, head_.size() - head_sent_, flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      return WouldBlock(errno) ? Progress::kBlocked : Fail(errno);
    }
    head_sent_ += static_cast<size_t>(n);
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
