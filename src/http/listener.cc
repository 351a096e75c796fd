// The listener: binding, the accept loop, the connection cap (evicting an idle connection to make
// room, else a 503), signals and the graceful stop, after Beast's advanced server example. Asio
// only: what a connection does with its requests is session.cc's.
#include <sys/resource.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <csignal>

#include "core/log.h"
#include "http/response_head.h"
#include "http/server_internal.h"

namespace noisett::http {
namespace {

// Descriptors left for everything but client connections (catalog, blob files, fetches, logs).
constexpr rlim_t kReservedDescriptors = 256;

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
  error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec || port > 65535) return bad();
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

// Over the connection cap: a best-effort 503 without blocking, then close. Its bytes are made
// once, by the code every answer goes through (so it carries the same Retry-After).
void RejectBusy(tcp::socket socket) {
  static const std::string busy = [] {
    HttpResponse res = ErrorResponse(503, "too_many_connections", "server busy, retry");
    HeadOptions head;
    head.keep_alive = false;
    return ResponseHead(res, head) + res.body;
  }();
  error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.write_some(net::buffer(busy.data(), busy.size()), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace

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

void ConnectionTable::Add(uint64_t id, const std::shared_ptr<Connection>& connection) {
  count_.fetch_add(1);
  std::lock_guard lock(mu_);
  connections_.emplace(id, connection);
}

bool ConnectionTable::Remove(uint64_t id) {
  count_.fetch_sub(1);
  std::lock_guard lock(mu_);
  connections_.erase(id);
  return connections_.empty();
}

std::vector<std::shared_ptr<Connection>> ConnectionTable::Live() const {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard lock(mu_);
  for (auto& [id, weak] : connections_) {
    if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  return live;
}

bool ConnectionTable::EvictOneIdle(int64_t now_ms) {
  // Every connection locked here is released after mu_: a last reference dropped under mu_
  // would end its session, which takes mu_ again (Remove).
  std::vector<std::shared_ptr<Connection>> seen;
  std::shared_ptr<Connection> victim;
  {
    std::lock_guard lock(mu_);
    seen.reserve(connections_.size());
    for (auto& [id, weak] : connections_) {  // ids grow: oldest first
      seen.push_back(weak.lock());
      if (seen.back() && seen.back()->ClaimForEviction(now_ms)) {
        victim = seen.back();
        break;
      }
    }
  }
  if (!victim) return false;
  victim->Evict();
  return true;
}

Listener::Listener(const ServerOptions& options,
                   std::vector<std::unique_ptr<net::io_context>>& contexts, ConnectionTable& table,
                   SessionHost& host)
    : options_(options),
      contexts_(contexts),
      table_(table),
      host_(host),
      strand_(net::make_strand(*contexts[0])),
      acceptor_(strand_),
      drain_timer_(strand_),
      retry_timer_(strand_) {}

Status Listener::Listen() {
  auto endpoint = ParseListen(options_.listen);
  if (!endpoint) return Unexpected(endpoint.error());
  error_code ec;
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

void Listener::Start() {
  for (auto& context : contexts_) idle_guards_.push_back(net::make_work_guard(*context));
  if (options_.handle_signals) {
    signals_.emplace(strand_, SIGINT, SIGTERM);
    signals_->async_wait([this](error_code ec, int signal) {
      if (ec) return;
      LogInfo("http: signal " + std::to_string(signal) + ", stopping gracefully");
      DoStop();
    });
  }
  net::post(strand_, [this] { Accept(); });
}

void Listener::Stop() {
  net::post(strand_, [this] { DoStop(); });
}

void Listener::Drained() {
  if (stopping_) {
    net::post(strand_, [this] {
      drain_timer_.cancel();
      ReleaseContexts();
    });
  }
}

// Until every session has ended, each context stays up even when it has nothing to do for a
// moment: a session's next handler may still be posted to it (the stop's own StopGracefully
// among them). A context let go while one of its sessions lived could stop with that handler
// queued, never run, and the stop would wait out the drain timeout.
void Listener::ReleaseContexts() {
  for (auto& guard : idle_guards_) guard.reset();
}

net::io_context& Listener::NextContext() { return *contexts_[next_context_++ % contexts_.size()]; }

void Listener::Accept() {
  if (stopping_) return;
  net::io_context& context = NextContext();
  acceptor_.async_accept(context, [this, &context](error_code ec, tcp::socket s) {
    OnAccept(ec, context, std::move(s));
  });
}

void Listener::OnAccept(error_code ec, net::io_context& context, tcp::socket socket) {
  if (stopping_ || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of file descriptors and the like: wait a little instead of spinning.
    LogWarn("http: accept failed: " + ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](error_code tec) {
      if (!tec) Accept();
    });
    return;
  }
  if (table_.size() < options_.max_connections || table_.EvictOneIdle(NowMs())) {
    StartSession(context, std::move(socket));
  } else {
    RejectBusy(std::move(socket));
  }
  Accept();
}

void Listener::StartSession(net::io_context& context, tcp::socket socket) {
  const uint64_t id = next_session_++;
  auto session = MakeSession(host_, context, std::move(socket), id);
  table_.Add(id, session);
  session->Start();
}

void Listener::DoStop() {
  if (stopping_.exchange(true)) return;
  error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  if (signals_) signals_->cancel(ec);
  std::vector<std::shared_ptr<Connection>> live = table_.Live();
  if (live.empty()) return ReleaseContexts();
  for (auto& c : live) c->StopGracefully();
  drain_timer_.expires_after(std::chrono::seconds(options_.drain_timeout_s));
  drain_timer_.async_wait([this](error_code tec) {
    if (tec) return;
    LogWarn("http: drain timeout, closing the remaining connections");
    for (auto& c : table_.Live()) c->ForceClose();
    ReleaseContexts();  // each context ends once its forced sessions are gone
  });
}

}  // namespace noisett::http
