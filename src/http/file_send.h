// FileSend: one response whose body is a file (HttpResponse::file) going out on a plain TCP
// socket: the head with send(2), flagged MSG_MORE so that it leaves in one segment with the
// body's first bytes, then the body with sendfile(2), from the page cache straight to the socket:
// the bytes are never read into user space nor copied out of it again. Non-blocking: each Continue
// sends what the socket takes now, and says whether the caller must wait for room. Waiting (and
// timing the wait) is the session's (session.cc); this file has no Asio, so a socketpair tests it.
//
// sendfile(2) takes no MSG_NOSIGNAL: writing to a socket the peer has reset raises SIGPIPE, which
// Server::Create sets to be ignored (server.cc), as every server that uses sendfile must.
#pragma once

#include <cstdint>
#include <string>

#include "core/file_span.h"

namespace noisett::http {

class FileSend final {
 public:
  enum class Progress {
    kDone,     // the head and every byte of the span are written
    kBlocked,  // the socket is full: call Continue again once it is writable
    kFailed,   // error(): the connection is broken, or the file ended before its span did
  };

  FileSend(std::string head, FileSpan body);

  // REQUIRES: `socket` is non-blocking, and nothing else writes to it until kDone or kFailed.
  Progress Continue(int socket);

  // errno of the failure (EPIPE, ECONNRESET, ...); EIO when the file is shorter than its span
  // (the head promised more bytes than there are: the caller must close the connection).
  int error() const { return error_; }
  // Body bytes written so far.
  uint64_t body_sent() const { return body_sent_; }

 private:
  Progress Fail(int err);

  std::string head_;
  size_t head_sent_ = 0;
  FileSpan body_;
  uint64_t body_sent_ = 0;
  int error_ = 0;
};

}  // namespace noisett::http
