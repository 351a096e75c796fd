// Private to session.cc, as server_internal.h is to the server's files: the part of a connection
// that serves a ResponseStream (response_stream.h). It asks the stream for each next piece, brings
// the piece back onto the connection's I/O thread whichever thread delivered it, frames it
// (response_head.h) and hands it to the session to write, fills silences with the stream's
// heartbeat, and ends the body (the last chunk) when the stream ends or the server stops. The
// session writes one handed-out piece at a time and says when it is written; the socket, the
// response head and what follows the body stay the session's. Asio's timer and post only: no
// Beast.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/response_stream.h"

namespace noisett::http {

// Used on its executor's thread only, but for the deliver callbacks it gives the stream (any
// thread). Held by shared_ptr: its own callbacks keep it alive.
class StreamPump final : public std::enable_shared_from_this<StreamPump> {
 public:
  struct Sink {
    // Write `bytes` (the end of the body when `last`), then call Written(). Never called again
    // after `last`, nor after Cancel.
    std::function<void(std::string bytes, bool last)> write;
    // The stream broke its contract (Next threw, an empty piece): the stream is already cancelled;
    // close the connection without ending the body, so the client sees it cut short.
    std::function<void()> fail;
  };

  // `owner` (the session) is kept alive while a piece is awaited: nothing else holds a connection
  // whose only pending work is a stream's. The pump starts as if its first bytes (the session's
  // head) were being written: the first Written() asks for the first piece. A zero `heartbeat`
  // or an empty Heartbeat() writes none.
  StreamPump(boost::asio::any_io_executor executor, std::shared_ptr<ResponseStream> stream,
             bool chunked, std::chrono::milliseconds heartbeat, std::weak_ptr<void> owner,
             Sink sink);
  StreamPump(const StreamPump&) = delete;
  StreamPump& operator=(const StreamPump&) = delete;

  // The bytes last handed to Sink::write are on the wire.
  void Written();
  // Ends the body early (the server is stopping): the stream is cancelled and the end of the
  // body handed out as soon as nothing is being written.
  void End();
  // Gives up: the stream is cancelled (unless it has ended), nothing more is asked or handed out,
  // and a deliver still to come is ignored. Any number of times, after End too.
  void Cancel();
  // Piece and heartbeat bytes written so far, without the chunk framing: the body the client got.
  uint64_t body_bytes() const { return body_bytes_; }

 private:
  class Mailbox;

  void AskNext();
  void OnDelivered(std::optional<std::string> piece);
  void HandOutPiece(std::string piece);
  void HandOutEnd();
  void ReleaseStream(bool cancel);
  void ArmHeartbeat();
  void Beat();
  void Fail(std::string_view why);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<ResponseStream> stream_;
  const bool chunked_;
  const std::chrono::milliseconds heartbeat_interval_;
  std::string heartbeat_;
  std::weak_ptr<void> owner_;
  Sink sink_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Mailbox> mailbox_;   // the pending Next's, while awaiting_
  uint64_t heartbeat_generation_ = 0;  // a timer that fires after being re-armed is stale
  uint64_t body_bytes_ = 0;
  uint64_t handed_bytes_ = 0;     // body bytes of what is being written
  bool writing_ = true;           // the session is writing what it was handed (first: its head)
  bool awaiting_ = false;         // a Next is pending
  bool stream_released_ = false;  // the stream delivered nullopt or was cancelled
  bool end_queued_ = false;       // the end goes out once the write in flight is done
  bool done_ = false;             // the end was handed out, or the pump gave up
  std::optional<std::string> queued_;  // a piece that came while a heartbeat was being written
};

}  // namespace noisett::http
