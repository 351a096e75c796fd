// The Beast/Asio server: a listener (accept loop, connection cap, graceful stop, signals) and one
// Session per connection (read with limits and timeouts, dispatch, write, keep-alive), shaped
// after Beast's async and advanced server examples. The only translation unit that includes
// Beast: each one costs ~30 s to compile.
#include "http/server.h"

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "core/log.h"
#include "http/access_log.h"
#include "http/body_gate.h"
#include "http/request_metrics.h"
#include "http/response_head.h"

namespace noisett::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// At the connection cap, a keep-alive connection waiting for (or slowly sending) its next request
// may be closed to make room once it has waited this long; a new connection that has not sent a
// whole request header yet may be closed at once.
constexpr int64_t kEvictGraceMs = 2000;
// Descriptors left for everything but client connections (catalog, blob files, fetches, logs).
constexpr rlim_t kReservedDescriptors = 256;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

class Session;

// What a session needs from the server; implemented by Server::Impl.
class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual const ServerOptions& options() const = 0;
  virtual const Handler& handler() const = 0;
  virtual bool stopping() const = 0;
  virtual net::thread_pool& workers() = 0;
  virtual net::thread_pool& body_checks() = 0;
  virtual net::thread_pool& readers() = 0;
  virtual BodyGate& body_gate() = 0;
  virtual std::string NextRequestId() = 0;
  virtual void SessionEnded(uint64_t id) = 0;
};

// What `call` returns, or a 500 when it throws (logged): a bug in a handler never ends the server.
template <typename Call>
auto Guarded(std::string_view what, Call&& call) -> decltype(call()) {
  try {
    return call();
  } catch (const std::exception& e) {
    LogError("http: " + std::string(what) + " threw: " + e.what());
  } catch (...) {
    LogError("http: " + std::string(what) + " threw a non-exception");
  }
  return ErrorResponse(500, "internal", "internal error");
}

HttpResponse Guarded(const Handler& handler, const HttpRequest& request) {
  return Guarded("handler", [&] { return handler.handle(request); });
}

// The handler's verdict on a large body from its request's head; a throwing check refuses.
std::optional<HttpResponse> GuardedAdmit(const Handler& handler, const HttpRequest& head) {
  return Guarded("body check", [&] { return handler.admit_body(head); });
}

class Session final : public std::enable_shared_from_this<Session> {
 public:
  // `context` is the socket's own io_context, run by exactly one thread: the session's handlers
  // never run concurrently, so it needs no strand.
  Session(SessionHost& host, net::io_context& context, tcp::socket socket, uint64_t id)
      : host_(host), context_(context), stream_(std::move(socket)), id_(id) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() { host_.SessionEnded(id_); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Closes the connection now if it is between requests. A request already arriving, or being
  // handled, is finished and answered with Connection: close (bounded by the read timeout and the
  // server's drain timeout).
  void StopGracefully() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kReading && self->between_requests_) self->Close();
    });
  }

  void ForceClose() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

  // True (once) when this connection is idle enough to be closed for a new one; the close itself
  // happens on the session's thread, and only if it is still idle there.
  bool ClaimForEviction(int64_t now_ms) {
    const int64_t since = idle_since_ms_.load();
    if (since == kNotIdle) return false;
    if (since != kNoRequestYet && now_ms - since < kEvictGraceMs) return false;
    return !evicting_.exchange(true);
  }

  void Evict() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_since_ms_.load() != kNotIdle) self->Close();
    });
  }

 private:
  static constexpr int64_t kNotIdle = 0;
  static constexpr int64_t kNoRequestYet = 1;

  enum class State { kReading, kHandling, kWriting, kClosed };

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
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              self->between_requests_ = false;
                              if (ec) return self->Close();
                              self->ReadHeader();
                            });
  }

  // The whole request (header and body) must arrive within read_timeout_s of its first byte.
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(opts().max_header_bytes));
    parser_->body_limit(opts().max_body_bytes);
    started_ = Clock::now();
    stream_.expires_after(std::chrono::seconds(opts().read_timeout_s));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Refuse(431, "header_too_large", "request header too large");
    }
    if (ec == bhttp::error::body_limit) {
      // Beast checks a declared Content-Length against the limit with the header: no body byte
      // has been read.
      return Refuse(413, "too_large", "request body too large");
    }
    if (ec) return OnReadError(ec);
    idle_since_ms_ = kNotIdle;  // a whole header: a real request, never evicted from here on
    auto length = parser_->content_length();
    if (length && *length > opts().max_body_bytes) {
      // Refused from the declared length alone: not one body byte is read.
      return Refuse(413, "too_large", "request body too large");
    }
    if (parser_->is_done()) return Dispatch();
    if (length && *length <= kLargeBodyBytes) return StartBody();
    if (host_.handler().admit_body) return CheckBeforeBody();
    WaitForBodyRoom();
  }

  // A large body may be refused from its request's head alone (no valid token: 401) before it
  // waits for room in the body budget or a byte of it is read, so a client that may not upload
  // cannot hold the budget by sending slowly. The check may fetch keys, so it leaves the I/O
  // thread, for one of its own: queued behind uploads on the workers it would double their wait.
  void CheckBeforeBody() {
    FillRequestHead();
    RunOffIo(
        host_.body_checks(),
        [](Session& s) { return GuardedAdmit(s.host_.handler(), s.request_); },
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
                       [self = shared_from_this()](beast::error_code wec, size_t) {
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
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec == bhttp::error::body_limit) {
                          return self->Refuse(413, "too_large", "request body too large");
                        }
                        if (ec) return self->OnReadError(ec);
                        self->Dispatch();
                      });
  }

  void OnReadError(beast::error_code ec) {
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
  void Refuse(int status, std::string_view reason, std::string_view message) {
    Refuse(ErrorResponse(status, reason, message));
  }

  void Refuse(HttpResponse answer) {
    idle_since_ms_ = kNotIdle;
    if (!parser_ || !parser_->is_header_done())
      ResetRequest();
    else
      FillRequestHead();
    keep_alive_ = false;
    linger_ = true;
    Write(std::move(answer));
  }

  // Once per request: the body check may have filled it before the body was read.
  void FillRequestHead() {
    if (head_filled_) return;
    const auto& req = parser_->get();
    ResetRequest();
    head_filled_ = true;
    request_.method = std::string(req.method_string());
    request_.target = std::string(req.target());
    for (const auto& field : req) {
      request_.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request_.remote = remote_;
    request_.request_id = host_.NextRequestId();
    version_ = req.version();
  }

  void Dispatch() {
    state_ = State::kHandling;
    FillRequestHead();
    keep_alive_ = parser_->get().keep_alive();
    request_.body = std::move(parser_->get().body());
    bytes_in_ = request_.body.size();
    stream_.expires_never();
    const Handler& handler = host_.handler();
    Lane lane = Lane::kWorkers;
    if (handler.lane) {
      try {
        lane = handler.lane(request_);
      } catch (...) {
        lane = Lane::kWorkers;
      }
    }
    if (lane == Lane::kIo) return Write(Guarded(handler, request_));
    RunOffIo(
        lane == Lane::kReads ? host_.readers() : host_.workers(),
        [](Session& s) { return Guarded(s.host_.handler(), s.request_); },
        [](Session& s, HttpResponse res) { s.Write(std::move(res)); });
  }

  // The bytes of one response, alive until its write completes.
  struct Outgoing {
    std::string head;
    std::string body;
  };

  void Write(HttpResponse res) {
    state_ = State::kWriting;
    FreeBody();  // handled: an upload's bytes need not wait for its answer to be written
    body_ticket_.Reset();  // ... and the next large body may be read
    if (res.close || host_.stopping()) keep_alive_ = false;
    status_ = res.status;
    route_ = std::move(res.route);
    user_ = std::move(res.user);
    error_ = std::move(res.error_reason);
    egress_kind_ = std::move(res.egress_kind);
    HeadOptions head;
    head.version = version_ == 10 ? 10 : 11;
    head.keep_alive = keep_alive_;
    head.head_request = request_.method == "HEAD";
    head.request_id = request_.request_id;
    auto out = std::make_shared<Outgoing>();
    out->head = ResponseHead(res, head);
    if (!head.head_request && !NoBodyStatus(res.status)) out->body = std::move(res.body);
    bytes_out_ = out->body.size();
    stream_.expires_after(std::chrono::seconds(opts().read_timeout_s));
    const std::array<net::const_buffer, 2> buffers = {net::buffer(out->head), net::buffer(out->body)};
    net::async_write(stream_, buffers, [self = shared_from_this(), out](beast::error_code ec, size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    RecordMetrics(ec);
    LogRequest();
    if (ec) return Close();
    if (linger_) return LingerThenClose();
    if (!keep_alive_ || host_.stopping()) return Close();
    parser_.reset();
    ResetRequest();
    if (buffer_.capacity() > kLargeBodyBytes) buffer_.shrink_to_fit();
    idle_since_ms_ = NowMs();
    evicting_ = false;
    WaitForRequest();
  }

  // Both give the request body's memory back. Assigning an empty string (`body = {}`, `request_ =
  // HttpRequest{}`) does not: libstdc++ copies an empty in-place string into the target's existing
  // buffer and keeps it, so every connection held on to the largest body it had ever read (a
  // 0.8 MB upload), for as long as it stayed open: ~0.8 MiB per connection under bench/load.sh.
  void FreeBody() { std::string().swap(request_.body); }
  void ResetRequest() {
    FreeBody();
    request_ = HttpRequest{};
    bytes_in_ = 0;
    head_filled_ = false;
  }

  void RecordMetrics(beast::error_code ec) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    RecordRequest(request_.method, route_, status_, seconds);
    // Egress is what reached the socket: a write that failed counts nothing.
    if (!ec && !egress_kind_.empty()) RecordEgress(egress_kind_, bytes_out_);
    egress_kind_.clear();
  }

  void LogRequest() {
    if (!opts().access_log) return;
    AccessEntry e;
    e.request_id = request_.request_id;
    e.method = request_.method.empty() ? "-" : request_.method;
    e.path = request_.target.empty() ? "-" : std::string(PathOnly(request_.target));
    e.route = route_;
    e.status = status_;
    e.bytes_in = bytes_in_;
    e.bytes_out = bytes_out_;
    e.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    e.remote = remote_;
    e.user = user_;
    e.error = error_;
    LogAccess(e);
  }

  // After refusing a request whose body may still be arriving: stop sending, read and discard
  // for a moment, then close, so the client sees our answer rather than a reset.
  void LingerThenClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::chrono::seconds(2));
    Discard();
  }

  void Discard() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();
                              self->Discard();
                            });
  }

  void Close() {
    body_ticket_.Reset();
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  SessionHost& host_;
  net::io_context& context_;
  beast::tcp_stream stream_;
  BodyGate::Ticket body_ticket_;  // held from admission of a large body until it is handled
  uint64_t id_;
  std::string remote_;
  static constexpr uint64_t kLargeBodyBytes = 64 * 1024;
  static constexpr uint64_t kBodyReadBufferBytes = 256 * 1024;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  HttpRequest request_;
  unsigned version_ = 11;
  State state_ = State::kReading;
  bool between_requests_ = true;  // waiting for the first byte of a request
  bool head_filled_ = false;      // request_ holds this request's head (FillRequestHead)
  bool keep_alive_ = true;
  bool linger_ = false;
  Clock::time_point started_ = Clock::now();
  int status_ = 0;
  uint64_t bytes_in_ = 0;  // the request body's size, for the access log once it is freed
  uint64_t bytes_out_ = 0;
  std::string route_, user_, error_, egress_kind_;
  std::array<char, 16 * 1024> discard_{};
  // Written on the session's thread, read by the acceptor (see ClaimForEviction).
  std::atomic<int64_t> idle_since_ms_{kNoRequestYet};
  std::atomic<bool> evicting_{false};
};

// Raises the soft open-file limit to the hard one and returns how many connections fit under it
// with kReservedDescriptors to spare: past that, accept would fail with EMFILE and new clients
// would wait in the backlog however idle the held connections are.
size_t FitConnectionsToOpenFiles(size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return wanted;
  const rlim_t room = limit.rlim_cur > 2 * kReservedDescriptors
                          ? limit.rlim_cur - kReservedDescriptors
                          : limit.rlim_cur / 2;
  if (static_cast<rlim_t>(wanted) <= room) return wanted;
  LogWarn("http: open-file limit " + std::to_string(limit.rlim_cur) + ": at most " +
          std::to_string(room) + " connections instead of " + std::to_string(wanted));
  return std::max<size_t>(1, static_cast<size_t>(room));
}

// "host:port", "[v6]:port", ":port" (all interfaces), "localhost:port".
Result<tcp::endpoint> ParseListen(std::string_view listen) {
  auto bad = [&] {
    return Unexpected(MakeError(
        ErrorCode::kInvalidArgument, "bad_listen",
        "listen address must be host:port, not '" + std::string(listen.substr(0, 100)) + "'"));
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return bad();
  std::string host(listen.substr(0, colon));
  std::string port_text(listen.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return bad();
  }
  unsigned long port = std::stoul(port_text);
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec || port > 65535) return bad();
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

}  // namespace

class Server::Impl final : public SessionHost {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        body_gate_(options_.max_held_body_bytes),
        handler_(std::move(handler)),
        contexts_(MakeContexts(options_.threads)),
        workers_(std::max(1u, options_.worker_threads)),
        body_checks_(1),
        readers_(std::max(1u, options_.read_threads)),
        strand_(net::make_strand(*contexts_[0])),
        acceptor_(strand_),
        drain_timer_(strand_),
        retry_timer_(strand_),
        id_prefix_(static_cast<uint32_t>(std::random_device{}())) {}

  ~Impl() override {
    // A Session can still be referenced by a handler queued on a context whose run() had already
    // returned (the stop locked it just as it ended); destroying the contexts ends it after
    // strand_ is gone, so from here SessionEnded must not post to strand_.
    tearing_down_.store(true);
    // Sessions waiting for room in the body gate end here, while the contexts their sockets use
    // still live.
    body_gate_.DropWaiters();
    workers_.stop();
    workers_.join();
    body_checks_.stop();
    body_checks_.join();
    readers_.stop();
    readers_.join();
  }

  Status Listen() {
    auto endpoint = ParseListen(options_.listen);
    if (!endpoint) return Unexpected(endpoint.error());
    beast::error_code ec;
    acceptor_.open(endpoint->protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(*endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Unexpected(MakeError(ErrorCode::kUnavailable, "listen_failed",
                                  "cannot listen on " + options_.listen + ": " + ec.message()));
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return Ok();
  }

  uint16_t port() const { return port_; }

  void Run() {
    HoldContexts();
    if (options_.handle_signals) {
      signals_.emplace(strand_, SIGINT, SIGTERM);
      signals_->async_wait([this](beast::error_code ec, int signal) {
        if (ec) return;
        LogInfo("http: signal " + std::to_string(signal) + ", stopping gracefully");
        DoStop();
      });
    }
    net::post(strand_, [this] { Accept(); });
    std::vector<std::thread> threads;
    for (size_t i = 1; i < contexts_.size(); ++i) {
      threads.emplace_back([this, i] { RunLoop(*contexts_[i]); });
    }
    RunLoop(*contexts_[0]);
    for (auto& t : threads) t.join();
    workers_.join();
    body_checks_.join();
    readers_.join();
  }

  void Stop() {
    net::post(strand_, [this] { DoStop(); });
  }

  // SessionHost
  const ServerOptions& options() const override { return options_; }
  const Handler& handler() const override { return handler_; }
  bool stopping() const override { return stopping_.load(); }
  net::thread_pool& workers() override { return workers_; }
  net::thread_pool& body_checks() override { return body_checks_; }
  net::thread_pool& readers() override { return readers_; }
  BodyGate& body_gate() override { return body_gate_; }
  std::string NextRequestId() override {
    // 8 hex digits of the process's random prefix, then the request counter (at least 8).
    static constexpr char kHex[] = "0123456789abcdef";
    const uint64_t n = next_request_.fetch_add(1);
    std::string id;
    id.reserve(24);
    for (int shift = 28; shift >= 0; shift -= 4) id.push_back(kHex[(id_prefix_ >> shift) & 0xF]);
    int top = 28;
    while (top < 60 && (n >> (top + 4)) != 0) top += 4;
    for (int shift = top; shift >= 0; shift -= 4) id.push_back(kHex[(n >> shift) & 0xF]);
    return id;
  }
  void SessionEnded(uint64_t id) override {
    connections_.fetch_sub(1);
    std::lock_guard lock(mu_);
    sessions_.erase(id);
    if (stopping_ && sessions_.empty() && !tearing_down_.load()) {
      net::post(strand_, [this] { drain_timer_.cancel(); });
    }
  }

 private:
  // One io_context per I/O thread, each told it has one thread (no locking inside), with
  // connections dealt round robin: a thread never wakes another to share its queue, which with
  // one shared context measured as a tenth of a small request's CPU (futex wake-ups).
  static std::vector<std::unique_ptr<net::io_context>> MakeContexts(unsigned threads) {
    std::vector<std::unique_ptr<net::io_context>> contexts;
    for (unsigned i = 0; i < std::max(1u, threads); ++i) {
      contexts.push_back(std::make_unique<net::io_context>(1));
    }
    return contexts;
  }

  // Keeps every context's run() going while it has no connection, until the stop.
  void HoldContexts() {
    for (auto& context : contexts_) idle_guards_.push_back(net::make_work_guard(*context));
  }

  net::io_context& NextContext() {
    return *contexts_[next_context_++ % contexts_.size()];  // on strand_
  }

  void RunLoop(net::io_context& context) {
    while (true) {
      try {
        context.run();
        return;
      } catch (const std::exception& e) {
        LogError(std::string("http: uncaught exception in the I/O loop: ") + e.what());
      }
    }
  }

  void Accept() {
    if (stopping_) return;
    net::io_context& context = NextContext();
    acceptor_.async_accept(context, [this, &context](beast::error_code ec, tcp::socket s) {
      OnAccept(ec, context, std::move(s));
    });
  }

  void OnAccept(beast::error_code ec, net::io_context& context, tcp::socket socket) {
    if (stopping_ || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors and the like: wait a little instead of spinning.
      LogWarn("http: accept failed: " + ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](beast::error_code tec) {
        if (!tec) Accept();
      });
      return;
    }
    if (connections_.load() < options_.max_connections || EvictOneIdle()) {
      StartSession(context, std::move(socket));
    } else {
      RejectBusy(std::move(socket));
    }
    Accept();
  }

  // At the cap: closes the oldest idle connection, if there is one, to make room.
  bool EvictOneIdle() {
    const int64_t now = NowMs();
    // Every session locked here is released after mu_: a last reference dropped under mu_
    // would run SessionEnded, which takes mu_ again.
    std::vector<std::shared_ptr<Session>> seen;
    std::shared_ptr<Session> victim;
    {
      std::lock_guard lock(mu_);
      seen.reserve(sessions_.size());
      for (auto& [id, weak] : sessions_) {  // ids grow: oldest first
        seen.push_back(weak.lock());
        if (seen.back() && seen.back()->ClaimForEviction(now)) {
          victim = seen.back();
          break;
        }
      }
    }
    if (!victim) return false;
    victim->Evict();
    return true;
  }

  void StartSession(net::io_context& context, tcp::socket socket) {
    connections_.fetch_add(1);
    uint64_t id = next_session_++;
    auto session = std::make_shared<Session>(*this, context, std::move(socket), id);
    {
      std::lock_guard lock(mu_);
      sessions_.emplace(id, session);
    }
    session->Start();
  }

  // Over the connection cap: a best-effort 503 without blocking, then close. Its bytes are made
  // once, by the code every answer goes through (so it carries the same Retry-After).
  static void RejectBusy(tcp::socket socket) {
    static const std::string busy = [] {
      HttpResponse res = ErrorResponse(503, "too_many_connections", "server busy, retry");
      HeadOptions head;
      head.keep_alive = false;
      return ResponseHead(res, head) + res.body;
    }();
    beast::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(net::buffer(busy.data(), busy.size()), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  void DoStop() {
    if (stopping_.exchange(true)) return;
    beast::error_code ec;
    acceptor_.close(ec);
    retry_timer_.cancel();
    if (signals_) signals_->cancel(ec);
    for (auto& guard : idle_guards_) guard.reset();  // each context ends with its last session
    std::vector<std::shared_ptr<Session>> live = LiveSessions();
    if (live.empty()) return;
    for (auto& s : live) s->StopGracefully();
    drain_timer_.expires_after(std::chrono::seconds(options_.drain_timeout_s));
    drain_timer_.async_wait([this](beast::error_code tec) {
      if (tec) return;
      LogWarn("http: drain timeout, closing the remaining connections");
      for (auto& s : LiveSessions()) s->ForceClose();
    });
  }

  std::vector<std::shared_ptr<Session>> LiveSessions() {
    std::vector<std::shared_ptr<Session>> live;
    std::lock_guard lock(mu_);
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    return live;
  }

  // Declared first so they outlive the io_context: a handler it destroys may end a Session.
  std::mutex mu_;
  std::map<uint64_t, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  std::atomic<bool> stopping_{false};
  std::atomic<bool> tearing_down_{false};
  std::atomic<size_t> connections_{0};
  ServerOptions options_;
  // Before the contexts: a session they destroy may still give its body bytes back.
  BodyGate body_gate_;
  Handler handler_;
  std::vector<std::unique_ptr<net::io_context>> contexts_;  // [0] also runs strand_
  std::vector<net::executor_work_guard<net::io_context::executor_type>> idle_guards_;
  net::thread_pool workers_;
  net::thread_pool body_checks_;  // Handler::admit_body, off the I/O threads and the workers
  net::thread_pool readers_;      // Lane::kReads
  net::strand<net::io_context::executor_type> strand_;  // acceptor, timers, signals, stop
  tcp::acceptor acceptor_;
  net::steady_timer drain_timer_;
  net::steady_timer retry_timer_;
  std::optional<net::signal_set> signals_;
  uint16_t port_ = 0;
  uint64_t next_session_ = 0;  // on strand_
  size_t next_context_ = 0;    // on strand_
  uint32_t id_prefix_;
  std::atomic<uint64_t> next_request_{1};
};

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options, Handler handler) {
  if (!handler.handle) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_handler", "no handler"));
  }
  options.max_connections = FitConnectionsToOpenFiles(options.max_connections);
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  if (auto ok = impl->Listen(); !ok) return Unexpected(ok.error());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
uint16_t Server::Port() const { return impl_->port(); }
const ServerOptions& Server::options() const { return impl_->options(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace noisett::http
