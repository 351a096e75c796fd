// Server::Impl: the I/O contexts (one per thread), the worker, read and body-check pools, the body
// gate and the handler, which every session reaches as its SessionHost; Create, Run and Stop.
// Accepting is listener.cc's, one connection session.cc's (server_internal.h). Asio only.
#include "http/server.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "core/log.h"
#include "http/server_internal.h"

namespace noisett::http {

class Server::Impl final : public SessionHost {
 public:
  explicit Impl(ServerOptions options)
      : options_(std::move(options)),
        body_gate_(options_.max_held_body_bytes),
        cors_(options_.cors_origins),
        access_log_(options_.access_log ? std::make_unique<AccessLog>() : nullptr),
        contexts_(MakeContexts(options_.threads)),
        workers_(std::max(1u, options_.worker_threads)),
        body_checks_(1),
        readers_(std::max(1u, options_.read_threads)),
        listener_(options_, contexts_, table_, *this),
        id_prefix_(static_cast<uint32_t>(std::random_device{}())) {}

  ~Impl() override {
    // A session can still be referenced by a handler queued on a context whose run() had already
    // returned (the stop locked it just as it ended); destroying the contexts ends it after the
    // listener is gone, so from here SessionEnded must not reach the listener.
    tearing_down_.store(true);
    // Sessions waiting for room in the body gate end here, while the contexts their sockets use
    // still live.
    body_gate_.DropWaiters();
    for (net::thread_pool* pool : {&workers_, &body_checks_, &readers_}) {
      pool->stop();
      pool->join();
    }
  }

  Status Listen() { return listener_.Listen(); }
  uint16_t port() const { return listener_.port(); }

  void Run(Handler handler) {
    if (!handler.open) {
      std::fputs("noisett: http::Server::Run without a handler\n", stderr);
      std::abort();
    }
    handler_ = std::move(handler);
    listener_.Start();
    std::vector<std::thread> threads;
    for (size_t i = 1; i < contexts_.size(); ++i) {
      threads.emplace_back([this, i] { RunLoop(*contexts_[i]); });
    }
    RunLoop(*contexts_[0]);
    for (auto& t : threads) t.join();
    for (net::thread_pool* pool : {&workers_, &body_checks_, &readers_}) pool->join();
  }

  void Stop() { listener_.Stop(); }

  // SessionHost
  const ServerOptions& options() const override { return options_; }
  const Handler& handler() const override { return handler_; }
  const CorsPolicy& cors() const override { return cors_; }
  bool stopping() const override { return listener_.stopping(); }
  net::thread_pool& workers() override { return workers_; }
  net::thread_pool& body_checks() override { return body_checks_; }
  net::thread_pool& readers() override { return readers_; }
  BodyGate& body_gate() override { return body_gate_; }
  AccessLog* access_log() override { return access_log_.get(); }
  void NextRequestId(std::string* out) override {
    // 8 hex digits of the process's random prefix, then the request counter (at least 8).
    static constexpr char kHex[] = "0123456789abcdef";
    const uint64_t n = next_request_.fetch_add(1);
    std::string& id = *out;
    id.clear();
    for (int shift = 28; shift >= 0; shift -= 4) id.push_back(kHex[(id_prefix_ >> shift) & 0xF]);
    int top = 28;
    while (top < 60 && (n >> (top + 4)) != 0) top += 4;
    for (int shift = top; shift >= 0; shift -= 4) id.push_back(kHex[(n >> shift) & 0xF]);
  }
  void SessionEnded(uint64_t id) override {
    const bool none_left = table_.Remove(id);
    if (none_left && !tearing_down_.load()) listener_.Drained();
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

  static void RunLoop(net::io_context& context) {
    while (true) {
      try {
        context.run();
        return;
      } catch (const std::exception& e) {
        LogError(std::string("http: uncaught exception in the I/O loop: ") + e.what());
      }
    }
  }

  // Declared before the contexts, so they outlive them: a handler a context destroys may end a
  // session, which gives its body bytes back, leaves the table, and drops its exchange (which may
  // point into the handler).
  std::atomic<bool> tearing_down_{false};
  ServerOptions options_;
  BodyGate body_gate_;
  CorsPolicy cors_;
  // Before the contexts: it outlives every session that writes to it, and writes what is left.
  std::unique_ptr<AccessLog> access_log_;
  Handler handler_;  // set by Run, before any connection is accepted
  ConnectionTable table_;
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  net::thread_pool workers_;
  net::thread_pool body_checks_;  // Exchange::AdmitBody, off the I/O threads and the workers
  net::thread_pool readers_;      // Lane::kReads
  // After the contexts, so it goes first: its acceptor and timers live on contexts_[0].
  Listener listener_;
  uint32_t id_prefix_;
  std::atomic<uint64_t> next_request_{1};
};

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  // File bodies go out with sendfile(2), which has no MSG_NOSIGNAL: a client that resets the
  // connection mid-body must cost an EPIPE, not the process (file_send.h).
  std::signal(SIGPIPE, SIG_IGN);
  options.max_connections = FitConnectionsToOpenFiles(options.max_connections);
  auto impl = std::make_unique<Impl>(std::move(options));
  if (auto ok = impl->Listen(); !ok) return Unexpected(ok.error());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
uint16_t Server::Port() const { return impl_->port(); }
const ServerOptions& Server::options() const { return impl_->options(); }
void Server::Run(Handler handler) { impl_->Run(std::move(handler)); }
void Server::Stop() { impl_->Stop(); }

}  // namespace noisett::http
