// The transaction runner: one attempt per loop turn, classified failures decide the next step.
#include "catalog/postgres_txn.h"

#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "catalog/postgres_errors.h"

namespace noisett::catalog::pg {
namespace {

constexpr int kReconnects = 1;         // once more on a fresh connection after a break
constexpr int kConflictRetries = 5;    // serialization failures and deadlocks

enum class Phase { kBody, kCommit };

Status Attempt(Pool::Connection& connection, TxKind kind, const TxBody& body, Phase& phase) {
  if (kind == TxKind::kRead) {
    pqxx::nontransaction tx(connection);
    return body(tx);
  }
  pqxx::work tx(connection);
  Status s = body(tx);
  if (!s) return s;  // ~work rolls back
  phase = Phase::kCommit;
  tx.commit();
  return Ok();
}

Error CommitUnknown(const Pool& pool) {
  return MakeError(ErrorCode::kUnavailable, "catalog_unavailable",
                   "the connection to PostgreSQL at " + pool.info().where +
                       " broke during commit; the write may or may not have been applied");
}

}  // namespace

Status RunTx(Pool& pool, TxKind kind, const TxBody& body) {
  int reconnects = 0;
  int conflicts = 0;
  bool fresh = false;
  while (true) {
    auto lease = pool.Acquire(fresh);
    if (!lease) return Unexpected(lease.error());
    Phase phase = Phase::kBody;
    try {
      return Attempt(lease->connection(), kind, body, phase);
    } catch (const std::exception& e) {
      Failure failure = Classify(e);
      if (failure == Failure::kOther && !lease->connection().is_open()) {
        failure = Failure::kConnection;
      }
      switch (failure) {
        case Failure::kCommitUnknown:
          lease->Discard();
          pool.DropIdle();
          return Unexpected(CommitUnknown(pool));
        case Failure::kConnection:
          lease->Discard();
          pool.DropIdle();
          if (kind == TxKind::kWrite && phase == Phase::kCommit) {
            return Unexpected(CommitUnknown(pool));
          }
          if (reconnects++ < kReconnects) {
            fresh = true;
            continue;
          }
          return Unexpected(PgError(e, pool.info()));
        case Failure::kRetryable:
          if (conflicts++ < kConflictRetries) continue;
          return Unexpected(PgError(e, pool.info()));
        case Failure::kOther:
          return Unexpected(PgError(e, pool.info()));
      }
    }
  }
}

}  // namespace noisett::catalog::pg
