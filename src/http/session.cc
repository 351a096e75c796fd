// One connection: reads each request within the limits and timeouts (server.h), opens its
// Exchange from the head, admits a large body (the exchange's check, then room in the body
// gate), runs the exchange on its lane, writes the answer (or streams it: the head, then the
// pieces stream_pump.h hands out, while a read watches for the client hanging up), then
// keep-alive or linger and close.
// Shaped after Beast's async server example's session; the only file with Beast's HTTP parser.
// Accepting, the connection cap and the stop are listener.cc's; threads and pools server.cc's.

// Boost's debug asserts are off in this file (release builds drop them anyway, with NDEBUG).
// Beast 1.81's parser asserts at least 5 bytes when it is called again on a last chunk whose
// "0\r\n" arrived alone, and a client dripping bytes makes exactly that call (found by
// fuzz/http_fuzz.cc): in a build with asserts on, any client could abort the server. The code
// past the assert reads only what it was given. This file alone instantiates the parser.
#define BOOST_DISABLE_ASSERTS
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string_view>
#include <utility>

#include "http/answer_record.h"
#include "http/file_send.h"
#include "http/request_parser.h"
#include "http/response_head.h"
#include "http/server_internal.h"
#include "http/stream_pump.h"

namespace noisett::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using SteadyClock = std::chrono::steady_clock;

// The connection's socket and stream on its io_context's own executor type, not any_io_executor:
// Asio and Beast then reach the executor directly instead of through its type erasure (a copy, a
// prefer and an execute through function pointers for every operation and completion).
using IoExecutor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, IoExecutor>;
using Stream = beast::basic_stream<tcp, IoExecutor, beast::unlimited_rate_policy>;

// The accepted socket, moved onto `context`'s executor type. On an error it is closed, and the
// session's first read fails at once.
Socket OnContext(net::io_context& context, tcp::socket socket) {
  Socket own(context.get_executor());
  error_code ec;
  const tcp protocol = socket.local_endpoint(ec).protocol();
  if (ec) return own;
  const auto fd = socket.release(ec);
  if (!ec) own.assign(protocol, fd, ec);
  return own;
}

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  // `context` is the socket's own io_context, run by exactly one thread: the session's handlers
  // never run concurrently, so it needs no strand.
  Session(SessionHost& host, net::io_context& context, tcp::socket socket, uint64_t id)
      : host_(host),
        context_(context),
        stream_(OnContext(context, std::move(socket))),
        id_(id),
        send_timer_(stream_.get_executor()) {
    // Room for a read of a large body plus a header's worth: Beast holds a chunked body's whole
    // trailer section in the buffer before parsing it, and nothing else may grow it without end.
    buffer_.max_size(kBodyReadBufferBytes + 2 * host_.options().max_header_bytes + 64 * 1024);
    error_code ec;
    // Every answer leaves in as few writes as it can (one, or a head and a sendfile), so Nagle
    // could only hold back a tail: a streamed piece, or the last segment of a file body, held
    // behind unacknowledged segments until the client's (delayed) ACK. With it, full images took
    // three times the CPU and a third of the throughput (bench/serve.sh), and a 100 KB history page
    // waited for a delayed ACK: history.list's p99 was 52 ms against 12 ms without (issue 23).
    stream_.socket().set_option(tcp::no_delay(true), ec);
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() override {
    if (pump_) pump_->Cancel();  // only when the contexts are destroyed mid-stream
    host_.SessionEnded(id_);
  }

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  void StopGracefully() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kReading && self->between_requests_) self->Close();
      if (self->state_ == State::kStreaming) self->EndStreamEarly();
    });
  }

  void ForceClose() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kStreaming) return self->AbortStream();
      self->Close();
    });
  }

  bool ClaimForEviction(int64_t now_ms) override {
    const int64_t since = idle_since_ms_.load();
    if (since == kNotIdle) return false;
    if (since != kNoRequestYet && now_ms - since < kEvictGraceMs) return false;
    return !evicting_.exchange(true);
  }

  void Evict() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_since_ms_.load() != kNotIdle) self->Close();
    });
  }

 private:
  static constexpr int64_t kNotIdle = 0;
  static constexpr int64_t kNoRequestYet = 1;

  enum class State { kReading, kHandling, kWriting, kStreaming, kClosed };

  const ServerOptions& opts() const { return host_.options(); }

  // Wait for the first byte of the next request under the idle timeout.
  void WaitForRequest() {
    state_ = State::kReading;
    if (host_.stopping()) return Close();
    if (buffer_.size() > 0) {  // a pipelined request is already here
      between_requests_ = false;
      return ReadHeader();
    }
    between_requests_ = true;
    stream_.expires_after(std::chrono::seconds(opts().idle_timeout_s));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              self->between_requests_ = false;
                              if (ec) return self->Close();
                              self->ReadHeader();
                            });
  }

  // The whole request (header and body) must arrive within read_timeout_s of its first byte.
  void ReadHeader() {
    // Chunk extensions and trailers share one more header's worth of bytes (request_parser.h).
    parser_.emplace(opts().max_header_bytes);
    parser_->header_limit(static_cast<uint32_t>(opts().max_header_bytes));
    parser_->body_limit(opts().max_body_bytes);
    answer_.started = SteadyClock::now();  // one clock read for both
    stream_.expires_at(answer_.started + std::chrono::seconds(opts().read_timeout_s));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Refuse(431, "header_too_large", "request header too large");
    }
    if (ec == bhttp::error::body_limit) {
      // Beast checks a declared Content-Length against the limit with the header: no body byte
      // has been read. Every field is parsed by then, so the answer is the request's (its Origin
      // gets the CORS headers a page needs to read this 413).
      FillRequestHead();
      return Refuse(413, "too_large", BodyTooLarge());
    }
    if (ec && !parser_->refusal().empty()) {
      return Refuse(400, "bad_request", parser_->refusal());
    }
    if (ec) return OnReadError(ec);
    if (parser_->MissingHost()) {
      return Refuse(400, "bad_request", "an HTTP/1.1 request needs a Host header");
    }
    idle_since_ms_ = kNotIdle;  // a whole header: a real request, never evicted from here on
    auto length = parser_->content_length();
    if (length && *length > opts().max_body_bytes) {
      // Refused from the declared length alone: not one body byte is read.
      return Refuse(413, "too_large", BodyTooLarge());
    }
    // The route is chosen once, from the head: its exchange decides the rest.
    FillRequestHead();
    // A CORS preflight is answered before routing: it carries no token, and no route takes OPTIONS.
    if (auto preflight = host_.cors().Preflight(request_)) {
      exchange_ = AnswerExchange(std::move(*preflight));
    } else {
      exchange_ = OpenExchange(host_.handler(), request_);
    }
    if (parser_->is_done()) return Dispatch();
    if (length && *length <= kLargeBodyBytes) return StartBody();
    CheckBeforeBody();
  }

  // A large body may be refused from its request's head alone (no valid token: 401) before it
  // waits for room in the body budget or a byte of it is read, so a client that may not upload
  // cannot hold the budget by sending slowly. The check may fetch keys, so it leaves the I/O
  // thread, for one of its own: queued behind uploads on the workers it would double their wait.
  void CheckBeforeBody() {
    RunOffIo(
        host_.body_checks(), [](Session& s) { return AdmitBodyGuarded(*s.exchange_, s.request_); },
        [](Session& s, std::optional<HttpResponse> refusal) {
          s.OnBodyChecked(std::move(refusal));
        });
  }

  // `work(*this)` on `pool`, then `then(*this, its result)` back on this session's I/O thread.
  // The work guard keeps Run() from returning while the pool holds this request.
  template <typename Work, typename Then>
  void RunOffIo(net::thread_pool& pool, Work work, Then then) {
    net::post(pool, [self = shared_from_this(), guard = net::make_work_guard(context_), work,
                     then]() mutable {
      auto result = work(*self);
      net::post(self->stream_.get_executor(), [self, then, result = std::move(result)]() mutable {
        then(*self, std::move(result));
      });
      guard.reset();
    });
  }

  void OnBodyChecked(std::optional<HttpResponse> refusal) {
    if (state_ == State::kClosed) return;
    if (refusal) return Refuse(std::move(*refusal));
    WaitForBodyRoom();
  }

  void WaitForBodyRoom() {
    const auto length = parser_->content_length();
    // A chunked body's size is unknown until it is read: it counts as the largest allowed.
    const uint64_t bytes = length ? *length : opts().max_body_bytes;
    host_.body_gate().Acquire(bytes, [self = shared_from_this()](BodyGate::Ticket ticket) {
      auto held = std::make_shared<BodyGate::Ticket>(std::move(ticket));
      net::post(self->stream_.get_executor(), [self, held] { self->OnAdmitted(std::move(*held)); });
    });
  }

  // Room in the server's BodyGate: the body may be read now, with the read timeout counted
  // afresh (the wait was the server's, not the client's).
  void OnAdmitted(BodyGate::Ticket ticket) {
    if (state_ == State::kClosed) return;  // the ticket goes back at once
    body_ticket_ = std::move(ticket);
    stream_.expires_after(std::chrono::seconds(opts().read_timeout_s));
    StartBody();
  }

  void StartBody() {
    auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](error_code wec, size_t) {
                         if (wec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  // Beast reads as much as the buffer has room for, and each read re-arms the timer: with the
  // 4 KiB the header needed, a 1.5 MB upload took ~500 reads. Room for up to 256 KiB of a large
  // body makes it a handful; the buffer shrinks back once the request is done.
  void ReadBody() {
    const auto length = parser_->content_length();
    if (length && *length > kLargeBodyBytes) {
      buffer_.reserve(static_cast<size_t>(std::min<uint64_t>(*length, kBodyReadBufferBytes)));
    }
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](error_code ec, size_t) {
                        if (ec == bhttp::error::body_limit) {
                          return self->Refuse(413, "too_large", self->BodyTooLarge());
                        }
                        // Chunk extensions or trailers past their share, or a trailer section
                        // that does not fit the read buffer (Beast holds it whole).
                        if (ec == bhttp::error::header_limit ||
                            ec == bhttp::error::buffer_overflow) {
                          return self->Refuse(431, "header_too_large",
                                              "chunk extensions or trailers too large");
                        }
                        if (ec) return self->OnReadError(ec);
                        self->Dispatch();
                      });
  }

  void OnReadError(error_code ec) {
    // A client that went away or timed out gets no answer; a malformed request gets a 400.
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec.category() == net::error::get_system_category() ||
        ec.category() == net::error::get_misc_category()) {
      return Close();
    }
    Refuse(400, "bad_request", "malformed HTTP request");
  }

  // Answers a request that cannot be read to the end, then closes.
  // A too_large answer names the limit, so the caller knows what would fit.
  std::string BodyTooLarge() const {
    return "request body over the limit of " + std::to_string(opts().max_body_bytes) + " bytes";
  }

  void Refuse(int status, std::string_view reason, std::string_view message) {
    Refuse(ErrorResponse(status, reason, message));
  }

  void Refuse(HttpResponse answer) {
    if (answer.stream) {  // only Handle may stream (handler.h)
      answer.stream->Cancel();
      answer.stream.reset();
    }
    idle_since_ms_ = kNotIdle;
    if (!head_filled_ && (!parser_ || !parser_->is_header_done()))
      ResetRequest();
    else
      FillRequestHead();
    keep_alive_ = false;
    linger_ = true;
    Write(std::move(answer));
  }

  // Once per request: from OnHeader, or from Refuse when the header broke a limit.
  void FillRequestHead() {
    if (head_filled_) return;
    const auto& req = parser_->get();
    ResetRequest();
    head_filled_ = true;
    const auto method = req.method_string();
    const auto target = req.target();
    request_.method.assign(method.data(), method.size());
    request_.target.assign(target.data(), target.size());
    for (const auto& field : req) {
      request_.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request_.remote.assign(remote_);
    host_.NextRequestId(&request_.request_id);
    version_ = req.version();
  }

  void Dispatch() {
    state_ = State::kHandling;
    keep_alive_ = parser_->get().keep_alive();
    request_.body = std::move(parser_->get().body());
    answer_.bytes_in = request_.body.size();
    stream_.expires_never();
    const Lane lane = exchange_->lane();
    if (lane == Lane::kIo) return Write(HandleGuarded(*exchange_, request_));
    RunOffIo(
        lane == Lane::kReads ? host_.readers() : host_.workers(),
        [](Session& s) { return HandleGuarded(*s.exchange_, s.request_); },
        [](Session& s, HttpResponse res) { s.Write(std::move(res)); });
  }

  void Write(HttpResponse res) {
    state_ = State::kWriting;
    FreeBody();            // handled: an upload's bytes need not wait for its answer to be written
    body_ticket_.Reset();  // ... and the next large body may be read
    exchange_.reset();
    if (res.close || host_.stopping()) keep_alive_ = false;
    answer_.TakeFrom(res);
    // Here, where every answer passes (API, blobs, the server's own refusals, streams), so a
    // listed origin's page can read each of them (cors.h).
    host_.cors().AddHeaders(request_, res.headers);
    HeadOptions head;
    head.version = version_ == 10 ? 10 : 11;
    head.keep_alive = keep_alive_;
    head.head_request = request_.method == "HEAD";
    head.request_id = request_.request_id;
    if (res.stream) {
      if (!head.head_request && !NoBodyStatus(res.status)) return StartStream(std::move(res), head);
      res.stream->Cancel();  // the head alone answers: there is no body to stream
      res.stream.reset();
    }
    const bool with_body = !head.head_request && !NoBodyStatus(res.status);
    std::string head_bytes = ResponseHead(res, head);  // before the body moves: it counts it
    std::string bytes = with_body ? std::move(res.body) : std::string();
    FileSpan file = with_body && res.file ? std::move(*res.file) : FileSpan{};
    SendDirect(std::move(head_bytes), std::move(bytes), std::move(file));
  }

  // Every answer but a stream goes out through FileSend (file_send.h): the head and the bytes in
  // one call, a file body (HttpResponse::file) straight from the page cache, continued each time
  // the socket has room. Nearly every answer fits the socket's buffer and is written at once, with
  // no timer armed. All of it must be written within read_timeout_s: a client that stops reading
  // mid-body is cut off then, and a file's descriptor released.
  void SendDirect(std::string head, std::string bytes, FileSpan file) {
    error_code ec;
    // Asio made the descriptor non-blocking for its own reads already; this only tells it so.
    if (!stream_.socket().native_non_blocking()) stream_.socket().native_non_blocking(true, ec);
    if (ec) return OnWrite(ec);
    file_send_.emplace(std::move(head), std::move(bytes), std::move(file));
    ++send_generation_;
    send_deadline_set_ = false;
    ContinueFileSend();
  }

  void ContinueFileSend() {
    switch (file_send_->Continue(stream_.socket().native_handle())) {
      case FileSend::Progress::kDone:
        return FileSent({});
      case FileSend::Progress::kFailed:
        return FileSent(error_code(file_send_->error(), net::error::get_system_category()));
      case FileSend::Progress::kBlocked:
        break;
    }
    if (!send_deadline_set_) {
      send_deadline_set_ = true;
      send_timer_.expires_after(std::chrono::seconds(opts().read_timeout_s));
      send_timer_.async_wait(
          [self = shared_from_this(), generation = send_generation_](error_code ec) {
            // Only this send's deadline, and only while it lasts: the cancelled wait ends it.
            if (ec || generation != self->send_generation_ || !self->file_send_) return;
            error_code ignored;
            self->stream_.socket().cancel(ignored);
          });
    }
    stream_.socket().async_wait(Socket::wait_write, [self = shared_from_this()](error_code ec) {
      if (!self->file_send_) return;
      if (ec) return self->FileSent(ec);
      self->ContinueFileSend();
    });
  }

  void FileSent(error_code ec) {
    answer_.bytes_out = file_send_->body_sent();
    file_send_.reset();  // the file's descriptor is the read cache's again
    if (send_deadline_set_) send_timer_.cancel();
    OnWrite(ec);
  }

  void OnWrite(error_code ec) {
    RecordAnswer(request_, remote_, answer_, !ec, host_.access_log());
    if (ec) return Close();
    if (linger_) return LingerThenClose();
    if (!keep_alive_ || host_.stopping()) return Close();
    NextRequest();
  }

  // The response is written and the connection is kept: wait for the next request.
  void NextRequest() {
    parser_.reset();
    ResetRequest();
    pump_.reset();
    if (buffer_.capacity() > kLargeBodyBytes) buffer_.shrink_to_fit();
    idle_since_ms_ = NowMs();
    evicting_ = false;
    WaitForRequest();
  }

  // A streamed response (response_stream.h): the head (and the body Handle gave, as the first
  // piece) now, then what the pump hands out, one write at a time, until the end of the body.
  // HTTP/1.1 gets chunks; HTTP/1.0 has no chunks, so its body ends when the connection closes.
  // While it lasts the connection is not idle (never evicted) and reads nothing but the watch
  // for a hang-up; the idle timeout is off, and each write must finish within read_timeout_s.
  void StartStream(HttpResponse res, HeadOptions head) {
    state_ = State::kStreaming;
    const bool chunked = version_ != 10;
    if (!chunked) keep_alive_ = head.keep_alive = false;
    head.streamed = true;
    std::string first = ResponseHead(res, head) + BodyPiece(res.body, chunked);
    answer_.bytes_out = res.body.size();
    // Each piece is an event for now: the socket has no Nagle (see the constructor), so a small
    // one is not held back behind the last until the client's delayed ACK.
    StreamPump::Sink sink;
    sink.write = [this](std::string bytes, bool last) { WriteStream(std::move(bytes), last); };
    sink.fail = [this] { AbortStream(); };
    // The pump calls the sink only while it keeps this session alive (stream_pump.h).
    pump_ =
        std::make_shared<StreamPump>(stream_.get_executor(), std::move(res.stream), chunked,
                                     opts().stream_heartbeat, weak_from_this(), std::move(sink));
    WatchForHangUp();
    WriteStream(std::move(first), false);
    if (host_.stopping()) EndStreamEarly();  // the stop's StopGracefully came before this
  }

  void WriteStream(std::string bytes, bool last) {
    // With the watch read pending, this times the write alone (Beast keeps one timer for each).
    stream_.expires_after(std::chrono::seconds(opts().read_timeout_s));
    auto out = std::make_shared<std::string>(std::move(bytes));
    net::async_write(stream_, net::buffer(*out),
                     [self = shared_from_this(), out, last](error_code ec, size_t) {
                       self->OnStreamWritten(ec, last);
                     });
  }

  void OnStreamWritten(error_code ec, bool last) {
    if (state_ != State::kStreaming) return;
    if (ec || last) return FinishStream(ec);
    pump_->Written();
  }

  // The server is stopping: the stream is given up and its body ended (after the write in
  // flight), then the connection closes.
  void EndStreamEarly() {
    if (state_ != State::kStreaming) return;
    keep_alive_ = false;
    pump_->End();
  }

  // Closes mid-stream, the body cut short: the client sees no end of it (no last chunk).
  void AbortStream() { FinishStream(net::error::make_error_code(net::error::connection_aborted)); }

  // The streamed response is over: its end was written, or the connection failed. It is logged
  // and measured as one request, for its whole life; then the connection goes on as after any
  // response, once the watch read is out of the way.
  void FinishStream(error_code ec) {
    if (state_ != State::kStreaming) return;
    pump_->Cancel();  // nothing if the stream ended itself
    answer_.bytes_out += pump_->body_bytes();
    RecordAnswer(request_, remote_, answer_, !ec, host_.access_log());
    if (ec || !keep_alive_ || host_.stopping()) return Close();
    state_ = State::kWriting;
    if (!watching_) return NextRequest();
    resume_after_watch_ = true;
    error_code ignored;
    stream_.socket().cancel(ignored);  // OnWatch goes on to the next request
  }

  // While a stream is written nothing else is read, so this read is what notices a client that
  // hangs up, at once rather than at a failed write (nginx watches its proxied requests the same
  // way; a client that only half-closes is taken as gone too). Bytes that come instead (a
  // pipelined request) stay in the buffer for after the stream, and the writes alone watch.
  void WatchForHangUp() {
    watching_ = true;
    stream_.expires_never();
    stream_.async_read_some(
        buffer_.prepare(kWatchReadBytes),
        [self = shared_from_this()](error_code ec, size_t n) { self->OnWatch(ec, n); });
  }

  void OnWatch(error_code ec, size_t n) {
    watching_ = false;
    buffer_.commit(n);
    if (std::exchange(resume_after_watch_, false)) {
      if (state_ != State::kClosed) NextRequest();
      return;
    }
    if (ec && state_ == State::kStreaming) FinishStream(ec);
  }

  // Both give the request body's memory back. Assigning an empty string (`body = {}`, `request_ =
  // HttpRequest{}`) does not: libstdc++ copies an empty in-place string into the target's existing
  // buffer and keeps it, so every connection held on to the largest body it had ever read (a
  // 0.8 MB upload), for as long as it stayed open: ~0.8 MiB per connection under bench/load.sh.
  // The head's fields (a target, an id, a few headers) keep their buffers on purpose: the next
  // request reuses them instead of allocating them again.
  void FreeBody() { std::string().swap(request_.body); }
  void ResetRequest() {
    FreeBody();
    exchange_.reset();
    request_.ClearHead();
    answer_.bytes_in = 0;
    head_filled_ = false;
  }

  // After refusing a request whose body may still be arriving: stop sending, read and discard
  // for a moment, then close, so the client sees our answer rather than a reset.
  void LingerThenClose() {
    error_code ec;
    stream_.socket().shutdown(Socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::chrono::seconds(2));
    Discard();
  }

  void Discard() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->Discard();
                            });
  }

  void Close() {
    body_ticket_.Reset();
    if (pump_) pump_->Cancel();
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    error_code ec;
    stream_.socket().shutdown(Socket::shutdown_both, ec);
    stream_.close();
  }

  SessionHost& host_;
  net::io_context& context_;
  Stream stream_;
  BodyGate::Ticket body_ticket_;  // held from admission of a large body until it is handled
  uint64_t id_;
  std::string remote_;
  static constexpr uint64_t kLargeBodyBytes = 64 * 1024;
  static constexpr uint64_t kBodyReadBufferBytes = 256 * 1024;
  beast::flat_buffer buffer_;
  std::optional<LimitedRequestParser> parser_;
  HttpRequest request_;
  std::unique_ptr<Exchange> exchange_;  // this request's, from its head until it is answered
  std::shared_ptr<StreamPump> pump_;    // a streamed response's, until the next request
  std::optional<FileSend> file_send_;   // an answer's, while it is being written
  net::steady_timer send_timer_;        // its deadline, set once it has to wait for the socket
  uint64_t send_generation_ = 0;        // which send the deadline belongs to
  bool send_deadline_set_ = false;
  static constexpr size_t kWatchReadBytes = 4096;
  unsigned version_ = 11;
  State state_ = State::kReading;
  bool between_requests_ = true;  // waiting for the first byte of a request
  bool head_filled_ = false;      // request_ holds this request's head (FillRequestHead)
  bool keep_alive_ = true;
  bool linger_ = false;
  bool watching_ = false;            // the hang-up watch read is pending
  bool resume_after_watch_ = false;  // the stream is over: the watch's end starts the next request
  AnswerRecord answer_{.started = SteadyClock::now()};
  std::array<char, 16 * 1024> discard_{};
  // Written on the session's thread, read by the acceptor (see ClaimForEviction).
  std::atomic<int64_t> idle_since_ms_{kNoRequestYet};
  std::atomic<bool> evicting_{false};
};

}  // namespace

std::shared_ptr<Connection> MakeSession(SessionHost& host, net::io_context& context,
                                        tcp::socket socket, uint64_t id) {
  return std::make_shared<Session>(host, context, std::move(socket), id);
}

}  // namespace noisett::http
