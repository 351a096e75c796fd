// The pump between a ResponseStream and its connection's writes.
#include "http/stream_pump.h"

#include <boost/asio/post.hpp>
#include <exception>
#include <mutex>
#include <utility>

#include "core/log.h"
#include "http/response_head.h"

namespace noisett::http {

// Between the pump and the deliver callback of one Next. It holds the pump and its owner until the
// one delivery or until the pump gives the stream up, so a deliver that comes late (after Cancel,
// even after the server is gone) touches nothing but this cell. Copies of the callback share it:
// only the first delivery counts.
class StreamPump::Mailbox {
 public:
  Mailbox(std::shared_ptr<StreamPump> pump, std::shared_ptr<void> owner)
      : pump_(std::move(pump)), owner_(std::move(owner)) {}

  // From any thread: the piece goes to the pump's thread.
  void Deliver(std::optional<std::string> piece) {
    Held held = Take();
    if (!held.pump) return;
    boost::asio::any_io_executor executor = held.pump->executor_;
    boost::asio::post(executor, [held = std::move(held), piece = std::move(piece)]() mutable {
      held.pump->OnDelivered(std::move(piece));
    });
  }

  // Lets the pump and the owner go; what Take returns is released outside the lock (the owner's
  // last reference may end a session).
  void Drop() { Take(); }

 private:
  struct Held {
    std::shared_ptr<StreamPump> pump;
    std::shared_ptr<void> owner;
  };

  Held Take() {
    std::lock_guard lock(mu_);
    return {std::move(pump_), std::move(owner_)};
  }

  std::mutex mu_;
  std::shared_ptr<StreamPump> pump_;  // guarded by mu_
  std::shared_ptr<void> owner_;       // guarded by mu_
};

StreamPump::StreamPump(boost::asio::any_io_executor executor,
                       std::shared_ptr<ResponseStream> stream, bool chunked,
                       std::chrono::milliseconds heartbeat, std::weak_ptr<void> owner, Sink sink)
    : executor_(std::move(executor)),
      stream_(std::move(stream)),
      chunked_(chunked),
      heartbeat_interval_(heartbeat),
      owner_(std::move(owner)),
      sink_(std::move(sink)),
      timer_(executor_) {
  try {
    heartbeat_ = stream_->Heartbeat();
  } catch (...) {
    LogError("http: a response stream's Heartbeat threw; writing none");
  }
}

void StreamPump::Written() {
  writing_ = false;
  body_bytes_ += handed_bytes_;
  handed_bytes_ = 0;
  if (done_) return;
  if (end_queued_) return HandOutEnd();
  if (queued_) return HandOutPiece(*std::exchange(queued_, std::nullopt));
  if (!awaiting_) AskNext();  // after the head or a piece; after a heartbeat, still awaiting
  ArmHeartbeat();
}

void StreamPump::End() {
  if (done_) return;
  ReleaseStream(/*cancel=*/true);
  queued_.reset();
  end_queued_ = true;
  if (!writing_) HandOutEnd();
}

void StreamPump::Cancel() {
  if (done_ && stream_released_) return;
  done_ = true;
  ReleaseStream(/*cancel=*/true);
  queued_.reset();
}

// No more Next, heartbeat or delivery; Cancel only for a stream that has not ended itself.
void StreamPump::ReleaseStream(bool cancel) {
  if (stream_released_) return;
  stream_released_ = true;
  auto self = shared_from_this();  // the mailbox may hold the last other reference
  timer_.cancel();
  awaiting_ = false;
  if (mailbox_) std::exchange(mailbox_, nullptr)->Drop();
  if (cancel) stream_->Cancel();
}

void StreamPump::AskNext() {
  awaiting_ = true;
  mailbox_ = std::make_shared<Mailbox>(shared_from_this(), owner_.lock());
  try {
    stream_->Next([mailbox = mailbox_](std::optional<std::string> piece) {
      mailbox->Deliver(std::move(piece));
    });
  } catch (const std::exception& e) {
    Fail(std::string("Next threw: ") + e.what());
  } catch (...) {
    Fail("Next threw a non-exception");
  }
}

void StreamPump::OnDelivered(std::optional<std::string> piece) {
  if (stream_released_ || !awaiting_) return;  // given up since: ignored
  awaiting_ = false;
  mailbox_.reset();
  if (!piece) {
    ReleaseStream(/*cancel=*/false);
    end_queued_ = true;
    if (!writing_) HandOutEnd();
    return;
  }
  if (piece->empty()) return Fail("an empty piece");
  if (writing_) {  // a heartbeat is on the wire: this goes next
    queued_ = std::move(piece);
    return;
  }
  HandOutPiece(std::move(*piece));
}

void StreamPump::HandOutPiece(std::string piece) {
  timer_.cancel();
  ++heartbeat_generation_;
  writing_ = true;
  handed_bytes_ = piece.size();
  sink_.write(BodyPiece(piece, chunked_), false);
}

void StreamPump::HandOutEnd() {
  done_ = true;
  end_queued_ = false;
  writing_ = true;
  sink_.write(chunked_ ? std::string(kLastChunk) : std::string(), true);
}

// Counted from the end of the last write: the client hears something at least that often.
void StreamPump::ArmHeartbeat() {
  if (done_ || stream_released_ || heartbeat_.empty() || heartbeat_interval_.count() <= 0) return;
  const uint64_t generation = ++heartbeat_generation_;
  timer_.expires_after(heartbeat_interval_);
  timer_.async_wait(
      [self = shared_from_this(), owner = owner_.lock(), generation](boost::system::error_code ec) {
        if (!ec && generation == self->heartbeat_generation_) self->Beat();
      });
}

void StreamPump::Beat() {
  if (done_ || stream_released_ || writing_ || !awaiting_) return;
  writing_ = true;
  handed_bytes_ = heartbeat_.size();
  sink_.write(BodyPiece(heartbeat_, chunked_), false);
}

void StreamPump::Fail(std::string_view why) {
  LogError("http: a response stream broke its contract (" + std::string(why) +
           "); closing the connection");
  auto self = shared_from_this();
  Cancel();
  sink_.fail();
}

}  // namespace noisett::http
