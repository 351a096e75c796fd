// FileSend: one response going out on a plain TCP socket, written straight from the I/O thread:
// the head and any in-memory body bytes in one sendmsg(2), then, for a body that is a file
// (HttpResponse::file), the file with sendfile(2), from the page cache straight to the socket,
// never read into user space nor copied out of it again (the head is flagged MSG_MORE so that it
// leaves in one segment with the file's first bytes). Non-blocking: each Continue sends what the
// socket takes now, and says whether the caller must wait for room. A response that fits the
// socket's buffer (nearly all) is written by the first Continue, with no timer armed and nothing
// allocated. Waiting (and timing the wait) is the session's (session.cc); this file has no Asio,
// so a socketpair tests it.
//
// sendfile(2) takes no MSG_NOSIGNAL: writing to a socket the peer has reset raises SIGPIPE, which
// Server::Create sets to be ignored (server.cc), as every server that uses sendfile must.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/file_span.h"

namespace noisett::http {

class FileSend final {
 public:
  enum class Progress {
    kDone,     // the head and every byte of the span are written
    kBlocked,  // the socket is full: call Continue again once it is writable
    kFailed,   // error(): the connection is broken, or the file ended before its span did
  };

  // `bytes` go out right after the head, `file` (which may be empty) after them.
  FileSend(std::string head, std::string bytes, FileSpan file);
  FileSend(std::string head, FileSpan file) : FileSend(std::move(head), {}, std::move(file)) {}

  // REQUIRES: `socket` is non-blocking, and nothing else writes to it until kDone or kFailed.
  Progress Continue(int socket);

  // errno of the failure (EPIPE, ECONNRESET, ...); EIO when the file is shorter than its span
  // (the head promised more bytes than there are: the caller must close the connection).
  int error() const { return error_; }
  // Body bytes (in memory and from the file) written so far.
  uint64_t body_sent() const;

 private:
  Progress Fail(int err);

  std::string head_;
  std::string bytes_;
  size_t memory_sent_ = 0;  // of head_ then bytes_
  FileSpan body_;
  uint64_t body_sent_ = 0;  // of the file
  int error_ = 0;
};

}  // namespace noisett::http
