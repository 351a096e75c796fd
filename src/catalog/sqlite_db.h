// The SQLite adapter: the only code that includes sqlite3.h (in sqlite_db.cc). It owns every handle
// (connections, prepared statements) through RAII, binds values only as parameters, turns SQLite
// result codes into Errors in one function, and hands connections to threads through a small pool.
// What the tables mean and which queries run is the business of SqliteCatalog (sqlite_catalog.cc,
// sqlite_generations.cc, sqlite_favorites.cc) and migrations.cc.
//
// Threading: a Db (and its Statements) is used by one thread at a time; the ConnectionPool is what
// makes that true, so connections are opened with SQLITE_OPEN_NOMUTEX (SQLite's "multi-thread"
// mode: no per-call mutex, safe while no two threads use one connection at once). The library
// itself must be built thread-safe (sqlite3_threadsafe() != 0), which Open checks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace noisett::catalog::sqlite {

// How long a connection waits for another connection's write lock before giving up with
// kUnavailable "catalog_busy".
inline constexpr int kBusyTimeoutMs = 5000;

struct DbCloser {
  void operator()(sqlite3* db) const;
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const;
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// One bound parameter. Text is bound with SQLITE_TRANSIENT (copied), so temporaries are fine.
using Value = std::variant<std::nullptr_t, int64_t, std::string_view>;

// A lease on a prepared statement cached by its Db: binding, stepping and reading columns. The
// destructor resets the statement and clears its bindings so the next lease starts clean.
class Statement final {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds values to parameters ?1, ?2, ... in order.
  Status Bind(std::initializer_list<Value> values);
  // true when a row is ready to read, false when the statement is done.
  Result<bool> Step();
  // Steps to the end; for statements that return no rows (INSERT, UPDATE, DELETE).
  Status Run();

  int64_t Int64(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

enum class OpenMode {
  kReadWrite,        // creates the file if missing
  kReadOnlyQueries,  // read-write file access (WAL readers write the -shm), but PRAGMA query_only
};

// One connection, configured for Noisett: WAL, foreign keys, busy timeout, extended error codes.
class Db final {
 public:
  // REQUIRES: path is a plain file name or ":memory:" (URI file names are not interpreted).
  // busy_timeout_ms is shorter only in tests that wait for it to run out.
  static Result<Db> Open(const std::string& path, OpenMode mode,
                         int busy_timeout_ms = kBusyTimeoutMs);

  // A statement for constant SQL, prepared once per connection and then reused. REQUIRES: sql
  // holds no values (every value is a ?N parameter) and is not in use by another live lease.
  Result<Statement> Prepare(std::string_view sql);
  // Runs constant SQL that takes no values and returns no rows (DDL scripts, BEGIN, PRAGMA).
  Status Exec(const char* sql);
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t Changes() const;
  // True when no transaction is open (SQLite's autocommit state).
  bool InAutocommit() const;

 private:
  explicit Db(DbPtr db) : db_(std::move(db)) {}

  DbPtr db_;
  // Declared after db_ so the statements are finalized before the connection closes.
  std::unordered_map<std::string, StmtPtr> cache_;
};

// BEGIN (DEFERRED for reads, IMMEDIATE for writes) ... COMMIT; rolled back on destruction unless
// committed, so every early `return Unexpected(...)` undoes the partial write.
class Transaction final {
 public:
  enum class Kind { kRead, kWrite };
  static Result<Transaction> Begin(Db& db, Kind kind);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;  // null once committed or moved from
};

// The plan rows ("detail" column) of EXPLAIN QUERY PLAN for constant SQL; for tests and benchmarks.
Result<std::vector<std::string>> ExplainQueryPlan(Db& db, std::string_view sql);

// Connections for many threads: one writer connection behind a mutex (writes in this process queue
// here instead of spinning in SQLite's busy handler; the busy timeout is left for other processes)
// and up to max_readers reader connections opened on demand. WAL lets readers run beside the
// writer. An in-memory database exists only inside its one connection, so there every lease is
// the writer.
class ConnectionPool final {
 public:
  class Lease final {
   public:
    Lease(ConnectionPool* pool, Db* db, bool writer) : pool_(pool), db_(db), writer_(writer) {}
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Db& db() { return *db_; }

   private:
    ConnectionPool* pool_;
    Db* db_;
    bool writer_;
  };

  static Result<std::unique_ptr<ConnectionPool>> Open(const std::string& path, int max_readers);

  // Blocks until the writer connection is free.
  Lease Write();
  // Blocks until a reader is free (or can be opened); fails only if opening one fails.
  Result<Lease> Read();

 private:
  ConnectionPool(std::string path, Db writer, int max_readers);
  void Release(Db* db, bool writer);

  const std::string path_;
  const int max_readers_;
  Db writer_;
  std::mutex writer_mu_;  // held for the whole life of a writer Lease

  std::mutex readers_mu_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Db>> readers_;  // GUARDED_BY(readers_mu_)
  std::vector<Db*> idle_;                     // GUARDED_BY(readers_mu_)
};

}  // namespace noisett::catalog::sqlite
