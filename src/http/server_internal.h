// Private to the server's three files, and included by nothing else: it brings Asio, and every file
// that includes Asio (let alone Beast) costs tens of seconds to compile. What they share:
//   listener.cc  Listener (accept loop, connection cap, eviction, signals, graceful stop) and the
//                ConnectionTable it keeps; Asio only.
//   session.cc   one connection (read with limits, body admission, dispatch, write or stream,
//                keep-alive, linger): the only file with Beast's HTTP parser, seen here as a
//                Connection; a streamed response's pieces come through its StreamPump
//                (stream_pump.h, private to it).
//   server.cc    Server::Impl: the I/O contexts, the pools, the body gate, the handler; it is the
//                SessionHost every session asks for them.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/access_log.h"
#include "http/body_gate.h"
#include "http/cors.h"
#include "http/handler.h"
#include "http/server.h"

namespace noisett::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// At the connection cap, a keep-alive connection waiting for (or slowly sending) its next request
// may be closed to make room once it has waited this long; a new connection that has not sent a
// whole request header yet may be closed at once.
inline constexpr int64_t kEvictGraceMs = 2000;

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What a session needs from the server (Server::Impl). Thread-safe.
class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual const ServerOptions& options() const = 0;
  virtual const Handler& handler() const = 0;
  virtual const CorsPolicy& cors() const = 0;  // from options().cors_origins
  virtual bool stopping() const = 0;
  virtual net::thread_pool& workers() = 0;      // Lane::kWorkers
  virtual net::thread_pool& body_checks() = 0;  // Exchange::AdmitBody
  virtual net::thread_pool& readers() = 0;      // Lane::kReads
  virtual BodyGate& body_gate() = 0;
  virtual AccessLog* access_log() = 0;  // null when options().access_log is off
  // Writes a new request id into `out` (replacing what it held, in its buffer).
  virtual void NextRequestId(std::string* out) = 0;
  // From the session's destructor, wherever its last reference goes (even while the contexts
  // are being destroyed).
  virtual void SessionEnded(uint64_t id) = 0;
};

// One connection as the listener sees it. Every call only posts to the connection's own thread.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void Start() = 0;
  // Closes the connection now if it is between requests. A request already arriving, or being
  // handled, is finished and answered with Connection: close (bounded by the read timeout and
  // the server's drain timeout). A streamed response is cancelled and its body ended at once.
  virtual void StopGracefully() = 0;
  virtual void ForceClose() = 0;
  // True (once) when the connection is idle enough to be closed for a new one (kEvictGraceMs);
  // the listener then calls Evict, which closes it only if it is still idle on its own thread.
  // A connection streaming a response is never idle.
  virtual bool ClaimForEviction(int64_t now_ms) = 0;
  virtual void Evict() = 0;
};

// session.cc: a session for an accepted socket, on `context` (run by exactly one thread).
std::shared_ptr<Connection> MakeSession(SessionHost& host, net::io_context& context,
                                        tcp::socket socket, uint64_t id);

// The open connections, counted for the cap and listed for eviction and the graceful stop.
// Thread-safe. Must outlive the I/O contexts: a session they destroy still leaves the table.
class ConnectionTable final {
 public:
  size_t size() const { return count_.load(); }
  void Add(uint64_t id, const std::shared_ptr<Connection>& connection);
  // True when no connection is left.
  bool Remove(uint64_t id);
  std::vector<std::shared_ptr<Connection>> Live() const;
  // Evicts the oldest connection idle enough (Connection::ClaimForEviction); false when none is.
  bool EvictOneIdle(int64_t now_ms);

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mu_; oldest first
  std::atomic<size_t> count_{0};
};

// The accept loop, on a strand of contexts[0] (which also runs its timers and signals). New
// connections are dealt round robin over `contexts`, one thread each: a thread never wakes
// another to share its queue.
class Listener final {
 public:
  // Everything given must outlive the listener.
  Listener(const ServerOptions& options, std::vector<std::unique_ptr<net::io_context>>& contexts,
           ConnectionTable& table, SessionHost& host);

  // Binds options.listen. Errors: kInvalidArgument "bad_listen", kUnavailable "listen_failed".
  Status Listen();
  uint16_t port() const { return port_; }

  // From Run, before the contexts run: keeps every context running while it has no connection
  // (until the stop has seen the last session end), waits for SIGTERM / SIGINT if asked, starts
  // accepting.
  void Start();
  // Graceful stop (server.h); thread-safe, any number of times.
  void Stop();
  bool stopping() const { return stopping_.load(); }
  // The last connection has ended: after a stop, Run need not wait for the drain timeout.
  void Drained();

 private:
  net::io_context& NextContext();
  void Accept();
  void OnAccept(error_code ec, net::io_context& context, tcp::socket socket);
  void StartSession(net::io_context& context, tcp::socket socket);
  void DoStop();
  // Lets each context end once it has no more work (on the strand).
  void ReleaseContexts();

  const ServerOptions& options_;
  std::vector<std::unique_ptr<net::io_context>>& contexts_;
  ConnectionTable& table_;
  SessionHost& host_;
  std::atomic<bool> stopping_{false};
  net::strand<net::io_context::executor_type> strand_;  // all that follows is used on it
  tcp::acceptor acceptor_;
  net::steady_timer drain_timer_;
  net::steady_timer retry_timer_;
  std::optional<net::signal_set> signals_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> idle_guards_;
  uint16_t port_ = 0;
  uint64_t next_session_ = 0;
  size_t next_context_ = 0;
};

// Raises the soft open-file limit to the hard one and returns how many connections fit under it
// with descriptors to spare for everything else: past that, accept would fail with EMFILE and
// new clients would wait in the backlog however idle the held connections are.
size_t FitConnectionsToOpenFiles(size_t wanted);

}  // namespace noisett::http
