// The bounded connection pool. Connections are opened outside the lock (a connect can take up to
// connect_timeout), with their slot reserved first so the bound holds while they are being made.
#include "catalog/postgres_pool.h"

#include <poll.h>

#include <chrono>
#include <string>

#include "catalog/postgres_errors.h"
#include "catalog/postgres_statements.h"

namespace noisett::catalog::pg {

namespace {

// An idle connection has nothing to say: the server sends nothing between our statements unless
// the session is ending (pg_terminate_backend, a shutdown: an error message, then EOF). Data or
// EOF waiting on the socket therefore means "dead or dying": cheaper to drop it here, with one
// non-blocking poll, than to find out inside the next BEGIN (where libpq 15 + libpqxx 6.4 also
// leak the failed result).
bool LooksAlive(Pool::Connection& connection) {
  if (!connection.is_open()) return false;
  pollfd fd{connection.sock(), POLLIN, 0};
  return fd.fd >= 0 && ::poll(&fd, 1, 0) == 0;
}

}  // namespace

Pool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Release(std::move(connection_), discard_);
}

Result<std::unique_ptr<Pool::Connection>> Pool::Connect() const {
  try {
    auto connection = std::make_unique<Connection>(config_.info.conninfo);
    // libpqxx 6 would otherwise reconnect on its own inside the next BEGIN after a break (and
    // leaks the failed result doing so); breaks are this pool's to handle: drop and reopen.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    connection->set_variable("statement_timeout", std::to_string(config_.statement_timeout_ms));
    // Every catalog statement is a keyed lookup or a walk of one user's index entries, whose best
    // plan does not depend on the values. Left to itself, PostgreSQL costs the generic history
    // plan for an average user, finds it dearer than a custom one at 1M rows and re-plans every
    // call (0.3-0.4 ms, ~1/3 of a history page; bench/catalog.sh, docs/performance.md).
    connection->set_variable("plan_cache_mode", "force_generic_plan");
    DefineStatements(*connection);
    return connection;
  } catch (const std::exception& e) {
    if (Classify(e) == Failure::kOther) return Unexpected(PgError(e, config_.info));
    return Unexpected(Unreachable(e, config_.info));
  }
}

void Pool::Adopt(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  ++open_;
  idle_.push_back(std::move(connection));
  freed_.notify_one();
}

Result<Pool::Lease> Pool::Acquire(bool fresh) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.acquire_timeout_ms);
  std::unique_lock lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (!fresh && LooksAlive(*connection)) return Lease(this, std::move(connection));
      --open_;  // a suspect or closed one: its slot makes room for a new connection below
      continue;
    }
    if (open_ < config_.size) {
      ++open_;
      lock.unlock();
      auto connection = Connect();
      if (!connection) {
        lock.lock();
        --open_;
        freed_.notify_one();
        return Unexpected(connection.error());
      }
      return Lease(this, std::move(*connection));
    }
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= config_.size) {
      return Unexpected(MakeError(
          ErrorCode::kUnavailable, "catalog_busy",
          "all " + std::to_string(config_.size) + " catalog connections stayed in use for " +
              std::to_string(config_.acquire_timeout_ms) + " ms (NOISETT_PG_POOL)"));
    }
  }
}

void Pool::Release(std::unique_ptr<Connection> connection, bool discard) {
  std::unique_lock lock(mu_);
  if (discard || !connection->is_open()) {
    --open_;
    freed_.notify_one();
    lock.unlock();
    connection.reset();  // closes the socket outside the lock
    return;
  }
  idle_.push_back(std::move(connection));
  freed_.notify_one();
}

void Pool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
    open_ -= static_cast<int>(dropped.size());
    freed_.notify_all();
  }
}

}  // namespace noisett::catalog::pg
