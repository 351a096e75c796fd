// A response body produced over time (Server-Sent Events, say), for a handler that cannot answer
// with a whole body: HttpResponse::stream. The server writes the head at once, then each piece as
// it comes, without holding a worker or read thread while it waits: the stream calls back when it
// has a piece, from whatever thread it likes, and the session takes it from there on its own I/O
// thread. No Beast or Asio here: a stream is written and tested as a plain object.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace noisett::http {

class ResponseStream {
 public:
  virtual ~ResponseStream();

  // Asks for the next piece. `deliver` must be called exactly once, from any thread, now or later,
  // with a non-empty piece or nullopt for the end of the body. The session calls Next again only
  // after the piece is written, so a stream never has two pieces asked for at once. An exception
  // or an empty piece is a bug: the connection is closed without ending the body.
  virtual void Next(std::function<void(std::optional<std::string>)> deliver) = 0;

  // The session gives the stream up before its end: the client is gone, a write failed or timed
  // out, the server is stopping, or the answer turned out to have no body (HEAD, 204, 304), in
  // which case Next was never called. Called at most once, on any thread, and not once the session
  // has received the end (nullopt). A pending deliver may still be called and is then ignored;
  // dropping it uncalled is as good (after Cancel it holds nothing but a small shared cell).
  virtual void Cancel() noexcept = 0;

  // Written when nothing was written for ServerOptions::stream_heartbeat (": keep-alive\n\n" for
  // SSE), without disturbing the pending Next. It keeps proxies from timing the response out and
  // makes a vanished client show up as a failed write. Empty: none.
  virtual std::string Heartbeat() const { return {}; }
};

}  // namespace noisett::http
