// Internal to PostgresCatalog: runs one catalog call on a pooled connection, with the retry rules
// in one place.
//   - Reads run as one autocommit statement each (pqxx::nontransaction; every read of the catalog
//     is a single statement, hence one snapshot) and may always run again.
//   - Writes run in one READ COMMITTED transaction (pqxx::work); the body takes the row locks its
//     checks need (SELECT ... FOR UPDATE / FOR SHARE) and returns a Status: an error aborts.
//   - A broken connection (server restarted, backend terminated) is discarded with every idle
//     one, and the call runs once more on a freshly opened connection, when nothing can have been
//     committed: always for reads, for writes unless the break came during COMMIT, where the
//     outcome is unknown and the answer is kUnavailable "catalog_unavailable".
//   - serialization_failure / deadlock_detected run the transaction again (a few times).
// Other failures map through PgError (postgres_errors.h).
#pragma once

#include <pqxx/transaction_base>

#include <functional>
#include <optional>
#include <utility>

#include "catalog/postgres_pool.h"
#include "core/result.h"

namespace noisett::catalog::pg {

enum class TxKind { kRead, kWrite };

using TxBody = std::function<Status(pqxx::transaction_base&)>;

Status RunTx(Pool& pool, TxKind kind, const TxBody& body);

// RunTx for a body returning Result<T>: the value of the attempt that succeeded.
template <typename T, typename Fn>
Result<T> RunTxFor(Pool& pool, TxKind kind, Fn&& fn) {
  std::optional<T> out;
  Status s = RunTx(pool, kind, [&](pqxx::transaction_base& tx) -> Status {
    Result<T> r = fn(tx);
    if (!r) return Unexpected(r.error());
    out = std::move(*r);
    return Ok();
  });
  if (!s) return Unexpected(s.error());
  return std::move(*out);
}

// A read (one autocommit statement) returning Result<T>.
template <typename T, typename Fn>
Result<T> Read(Pool& pool, Fn&& fn) {
  return RunTxFor<T>(pool, TxKind::kRead, std::forward<Fn>(fn));
}

// A write transaction returning Result<T>, once committed.
template <typename T, typename Fn>
Result<T> Write(Pool& pool, Fn&& fn) {
  return RunTxFor<T>(pool, TxKind::kWrite, std::forward<Fn>(fn));
}

}  // namespace noisett::catalog::pg
