// Internal to SqliteCatalog: how one catalog call runs on the connection pool (sqlite_db.h), and
// the one-statement helpers its calls share.
//   - A write runs on the pool's writer connection inside one BEGIN IMMEDIATE transaction, so its
//     checks and its changes cannot race with other writers; an error rolls it back.
//   - A read runs on a reader connection inside one BEGIN DEFERRED transaction, so a page and its
//     count come from one snapshot.
// Which SQL a call runs is the business of sqlite_catalog.cc, sqlite_generations.cc,
// sqlite_favorites.cc and sqlite_jobs.cc.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

#include "catalog/sqlite_db.h"
#include "core/result.h"

namespace noisett::catalog::sqlite {

// Runs `fn(db)` inside a write transaction on the writer connection; commits if it succeeds.
template <typename Fn>
Status InWriteTransaction(ConnectionPool& pool, Fn&& fn) {
  auto lease = pool.Write();
  auto txn = Transaction::Begin(lease.db(), Transaction::Kind::kWrite);
  if (!txn) return Unexpected(txn.error());
  if (Status s = fn(lease.db()); !s) return s;
  return txn->Commit();
}

// InWriteTransaction for a body returning Result<T>: its value once committed.
template <typename T, typename Fn>
Result<T> InWriteTransactionFor(ConnectionPool& pool, Fn&& fn) {
  std::optional<T> out;
  Status s = InWriteTransaction(pool, [&](Db& db) -> Status {
    Result<T> r = fn(db);
    if (!r) return Unexpected(r.error());
    out = std::move(*r);
    return Ok();
  });
  if (!s) return Unexpected(s.error());
  return std::move(*out);
}

// Runs `fn(db)` inside a read transaction (one snapshot) on a reader connection.
template <typename T, typename Fn>
Result<T> InReadTransaction(ConnectionPool& pool, Fn&& fn) {
  auto lease = pool.Read();
  if (!lease) return Unexpected(lease.error());
  auto txn = Transaction::Begin(lease->db(), Transaction::Kind::kRead);
  if (!txn) return Unexpected(txn.error());
  return fn(lease->db());
}

// Binds `values` to a prepared statement and steps once: true if a row came back.
Result<bool> QueryRow(Statement& stmt, std::initializer_list<Value> values);

// Prepares `sql`, binds `values` and runs it to the end (INSERT, UPDATE, DELETE).
Status Execute(Db& db, std::string_view sql, std::initializer_list<Value> values);

// The first column of the one row `sql` returns for ?1 = user_id (a count).
Result<int64_t> CountRows(Db& db, std::string_view sql, std::string_view user_id);

}  // namespace noisett::catalog::sqlite
