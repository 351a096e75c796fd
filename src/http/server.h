// The HTTP/1.1 server behind `noisett serve`: accepts connections, reads requests within limits,
// hands each one to a Handler (handler.h) and writes the answer, with keep-alive. Beast and Asio
// stay inside listener.cc (accepting), session.cc (one connection) and server.cc (threads and
// pools); everything it exchanges with the rest of the program is http_types.h values.
//
// Limits and what the client sees when it breaks one:
//   header bigger than max_header_bytes                         431, connection closed
//   Content-Length above max_body_bytes                         413 before any body byte is read
//   a chunked body growing past max_body_bytes                  413, connection closed
//   chunk extensions and trailers past max_header_bytes         431, connection closed
//     (together; a trailer section is also bounded by the read buffer: request_parser.h)
//   a request not complete within read_timeout_s of its first byte  connection closed (slow loris)
//   no request within idle_timeout_s on an open connection      connection closed
//   a new connection with max_connections open                  the oldest idle one is closed
//                                                               to make room (see below)
//   ... and none of them idle                                   503, connection closed
// Idle means no complete request header yet: a new connection may be closed for that at once, a
// keep-alive one after 2 s of waiting (kEvictGraceMs in server_internal.h). So thousands of held
// idle or slow-loris connections cannot lock real clients out; only requests being read past
// their header, handled or answered hold their place. max_connections is also kept below the
// process's open-file limit (raised to its hard limit at Create), so accept never runs out of
// descriptors first.
// Large request bodies (over 64 KiB, or chunked) are read only while their Content-Length fits in
// max_held_body_bytes together with the bodies already read and not yet handled; a request past
// that waits after its header, unread (and before any 100 Continue), first come first served, so
// memory stays bounded however many clients upload together. Before that wait, the request's
// Exchange::AdmitBody may refuse it from its head alone (the API: no valid token, 401), so only
// clients allowed to upload can take a place in that budget.
// Each request is handled where its Exchange::lane says: on an I/O thread when cheap, on the
// worker pool for store and image work, or on a pool of their own for quick catalog reads (so a
// gallery page never queues behind uploads); slow work never stalls other connections.
//
// Streamed responses (Server-Sent Events): Handle may answer with HttpResponse::stream
// (response_stream.h), a body produced over minutes. The head goes out at once (no
// Content-Length; HTTP/1.1 chunked, HTTP/1.0 ended by closing the connection), then each piece as
// the stream delivers it, then the last chunk, and the connection carries on (keep-alive, or
// closes if asked). No thread waits for a piece: the stream calls back, from any thread, and the
// connection's I/O thread writes it, so hundreds of open streams cost sockets and memory only. A
// streaming connection counts against max_connections but is never idle (never evicted), the idle
// timeout does not apply to it, and each write must finish within read_timeout_s. When nothing
// was written for stream_heartbeat the stream's Heartbeat() is written. A client that hangs up
// (seen by a read kept pending for it, or at the latest by a failed write) gets its stream
// cancelled. The access log and the request metrics count a stream once, when it ends, with its
// whole duration and body bytes.
//
// Stop() is graceful: the listener closes, idle connections close, requests being handled finish
// and get their response (with Connection: close), open streams are cancelled and their bodies
// ended (the last chunk, then close), then Run() returns. After drain_timeout_s whatever is left
// is cut off.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "http/handler.h"

namespace noisett::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port"; port 0 picks a free port (see Port())
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());  // I/O threads
  unsigned worker_threads = std::max(1u, std::thread::hardware_concurrency());
  unsigned read_threads = std::max(1u, std::thread::hardware_concurrency());
  uint64_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 10ull << 20;
  int read_timeout_s = 30;
  int idle_timeout_s = 60;
  int drain_timeout_s = 30;
  size_t max_connections = 1024;  // lowered at Create to fit RLIMIT_NOFILE (see above)
  // Bytes of large (over 64 KiB) request bodies read and held at once, by Content-Length (a
  // chunked one counts as max_body_bytes); more wait unread until earlier ones are handled
  // (body_gate.h). A body larger than this is read when it is the only one held.
  uint64_t max_held_body_bytes = 32ull << 20;
  // A streamed response's Heartbeat() is written after this long without a write (server.h above).
  std::chrono::milliseconds stream_heartbeat{15000};
  bool handle_signals = false;  // SIGTERM / SIGINT call Stop() (noisett serve sets this)
  bool access_log = true;  // a line per request, written in batches (AccessLog, access_log.h)
  // Origins whose pages may read the answers (cors.h), as a browser writes them; empty: none.
  std::vector<std::string> cors_origins;
};

class Server final {
 public:
  // Binds and listens; connections wait in the listen backlog until Run, so the application can
  // be built knowing the port really bound. Errors: kInvalidArgument "bad_listen" for a
  // malformed address, kUnavailable "listen_failed" when the address cannot be bound.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the real one when listen asked for port 0).
  uint16_t Port() const;
  // The options in force (max_connections as fitted to the open-file limit).
  const ServerOptions& options() const;

  // Serves `handler` on options.threads threads (the caller's included) until Stop() and the
  // drain are done. REQUIRES: called once; handler.open is set (aborts otherwise).
  void Run(Handler handler);

  // Graceful stop; thread-safe, callable before, during or after Run(), any number of times.
  void Stop();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace noisett::http
