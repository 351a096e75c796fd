// Internal to PostgresCatalog: a bounded pool of libpqxx connections. At most `size` connections
// exist at once (idle + lent + being opened); a caller waits up to acquire_timeout_ms for one and
// then gets kUnavailable "catalog_busy". Each new connection gets the statement timeout (through
// set_variable, which libpqxx would also restore if it ever reconnected on its own) and the
// prepared statements' definitions (postgres_statements.h). A connection that broke is dropped
// with Lease::Discard, never lent again; DropIdle forgets every idle one (after a server restart
// they are all dead). Thread-safe.
#pragma once

#include <pqxx/connection>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "catalog/postgres_url.h"
#include "core/result.h"

namespace noisett::catalog::pg {

struct PoolConfig {
  ConnInfo info;
  int size = 8;
  int statement_timeout_ms = 5000;
  int acquire_timeout_ms = 10000;
};

class Pool final {
 public:
  using Connection = pqxx::connection;

  // One borrowed connection; goes back to the pool (or away, after Discard) when destroyed.
  class Lease final {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& connection() { return *connection_; }
    void Discard() { discard_ = true; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
    bool discard_ = false;
  };

  explicit Pool(PoolConfig config) : config_(std::move(config)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // An idle connection, or a new one while fewer than `size` exist, waiting up to the acquire
  // timeout. `fresh`: never an idle one (they may all be dead), always a newly opened one.
  // Errors: kUnavailable "catalog_busy" (none freed in time), "catalog_unavailable" (cannot
  // connect).
  Result<Lease> Acquire(bool fresh = false);

  // Forgets (closes) every idle connection.
  void DropIdle();

  // Open's first connection, made outside the pool's count so a bad URL fails before anything
  // else; Adopt puts it in. Errors: as Acquire's "catalog_unavailable".
  Result<std::unique_ptr<Connection>> Connect() const;
  void Adopt(std::unique_ptr<Connection> connection);

  const ConnInfo& info() const { return config_.info; }

 private:
  void Release(std::unique_ptr<Connection> connection, bool discard);

  const PoolConfig config_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;                                   // guarded by mu_: idle + lent + connecting
};

}  // namespace noisett::catalog::pg
