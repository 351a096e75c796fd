// SQLite adapter implementation: handles, statement cache, transactions, the connection pool and
// the one place where SQLite result codes become Errors (SqliteError).
#include "catalog/sqlite_db.h"

#include <sqlite3.h>

#include <cassert>
#include <string>

namespace noisett::catalog::sqlite {
namespace {

// Every SQLite failure becomes an Error here. Busy/locked means another writer kept the lock past
// the busy timeout: retryable, so kUnavailable. Constraints are conflicts with existing rows (the
// catalog checks its own invariants first and names them; this is the backstop). A full volume is
// insufficient storage (507), as in the blob store: retrying helps only once an operator frees
// space. Other disk-level failures make the catalog unavailable; anything else is our bug.
Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return MakeError(ErrorCode::kUnavailable, "catalog_busy", std::move(message));
    case SQLITE_CONSTRAINT:
      return MakeError(ErrorCode::kConflict, "constraint", std::move(message));
    case SQLITE_FULL:
      return MakeError(ErrorCode::kInsufficientStorage, "insufficient_storage",
                       "the catalog database is out of space (" + message +
                           "); free space on the data directory's volume, then retry");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_PROTOCOL:
      return MakeError(ErrorCode::kUnavailable, "catalog_unavailable", std::move(message));
    default:
      return MakeError(ErrorCode::kInternal, "sqlite_error", std::move(message));
  }
}

// Per-connection settings. WAL lets readers work beside the one writer; synchronous=NORMAL is
// SQLite's advice for WAL (durable across process crashes; a power cut may lose the last commits,
// which metadata.json next to the blobs can rebuild). Foreign keys are off unless asked for, per
// connection. journal_mode is a no-op on ":memory:".
// Readers leave journal_mode alone: the writer has already made the file WAL, and WAL persists.
Status Configure(Db& db, OpenMode mode) {
  std::vector<const char*> pragmas = {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"};
  if (mode == OpenMode::kReadWrite) pragmas.push_back("PRAGMA journal_mode = WAL");
  for (const char* pragma : pragmas) {
    auto stmt = db.Prepare(pragma);
    if (!stmt) return Unexpected(stmt.error());
    // journal_mode answers with a row; the others with none.
    while (true) {
      auto row = stmt->Step();
      if (!row) return Unexpected(row.error());
      if (!*row) break;
    }
  }
  if (mode == OpenMode::kReadOnlyQueries) return db.Exec("PRAGMA query_only = ON");
  return Ok();
}

}  // namespace

void DbCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void StmtFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

// --- Statement ---

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Status Statement::Bind(std::initializer_list<Value> values) {
  int index = 1;
  for (const Value& value : values) {
    int rc = SQLITE_OK;
    if (const auto* i = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt_, index, *i);
    } else if (const auto* s = std::get_if<std::string_view>(&value)) {
      rc = sqlite3_bind_text64(stmt_, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt_, index);
    }
    if (rc != SQLITE_OK) return Unexpected(SqliteError(db_, rc, "bind"));
    ++index;
  }
  return Ok();
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Unexpected(SqliteError(db_, rc, "step"));
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row) return Unexpected(row.error());
    if (!*row) return Ok();
  }
}

int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// --- Db ---

Result<Db> Db::Open(const std::string& path, OpenMode mode, int busy_timeout_ms) {
  if (sqlite3_threadsafe() == 0) {
    return Unexpected(MakeError(ErrorCode::kInternal, "sqlite_single_threaded",
                                "libsqlite3 was built with SQLITE_THREADSAFE=0"));
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr owned(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) return Unexpected(SqliteError(raw, rc, "open " + path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  Db db(std::move(owned));
  if (auto s = Configure(db, mode); !s) return Unexpected(s.error());
  return db;
}

Result<Statement> Db::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StmtPtr owned(raw);
    if (rc != SQLITE_OK) return Unexpected(SqliteError(db_.get(), rc, "prepare"));
    it = cache_.emplace(std::string(sql), std::move(owned)).first;
  }
  // A statement stepped but not reset belongs to a live lease: two leases on one SQL would clash.
  assert(!sqlite3_stmt_busy(it->second.get()));
  return Statement(db_.get(), it->second.get());
}

Status Db::Exec(const char* sql) {
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Unexpected(SqliteError(db_.get(), rc, "exec"));
  return Ok();
}

int64_t Db::Changes() const { return sqlite3_changes64(db_.get()); }

bool Db::InAutocommit() const { return sqlite3_get_autocommit(db_.get()) != 0; }

// --- Transaction ---

Result<Transaction> Transaction::Begin(Db& db, Kind kind) {
  // IMMEDIATE takes the write lock now, so a write transaction never fails half-way with
  // SQLITE_BUSY when a read would have to be upgraded; the busy timeout applies here instead.
  auto s = db.Exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!s) return Unexpected(s.error());
  return Transaction(&db);
}

Status Transaction::Commit() {
  assert(db_ != nullptr);
  auto s = db_->Exec("COMMIT");
  if (s) db_ = nullptr;  // on failure the destructor rolls back
  return s;
}

Transaction::~Transaction() {
  // SQLite may already have rolled back by itself after some errors (e.g. SQLITE_FULL).
  if (db_ != nullptr && !db_->InAutocommit()) (void)db_->Exec("ROLLBACK");
}

Result<std::vector<std::string>> ExplainQueryPlan(Db& db, std::string_view sql) {
  auto stmt = db.Prepare("EXPLAIN QUERY PLAN " + std::string(sql));
  if (!stmt) return Unexpected(stmt.error());
  std::vector<std::string> details;
  while (true) {
    auto row = stmt->Step();
    if (!row) return Unexpected(row.error());
    if (!*row) return details;
    details.push_back(stmt->Text(3));  // columns: id, parent, notused, detail
  }
}

// --- ConnectionPool ---

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(other.db_), writer_(other.writer_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(db_, writer_);
}

ConnectionPool::ConnectionPool(std::string path, Db writer, int max_readers)
    : path_(std::move(path)), max_readers_(max_readers), writer_(std::move(writer)) {}

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& path,
                                                             int max_readers) {
  auto writer = Db::Open(path, OpenMode::kReadWrite);
  if (!writer) return Unexpected(writer.error());
  if (path == ":memory:") max_readers = 0;
  return std::unique_ptr<ConnectionPool>(new ConnectionPool(path, std::move(*writer), max_readers));
}

ConnectionPool::Lease ConnectionPool::Write() {
  writer_mu_.lock();
  return Lease(this, &writer_, /*writer=*/true);
}

Result<ConnectionPool::Lease> ConnectionPool::Read() {
  if (max_readers_ == 0) return Write();
  std::unique_lock lock(readers_mu_);
  reader_free_.wait(lock, [this] {
    return !idle_.empty() || readers_.size() < static_cast<size_t>(max_readers_);
  });
  if (!idle_.empty()) {
    Db* db = idle_.back();
    idle_.pop_back();
    return Lease(this, db, /*writer=*/false);
  }
  auto db = Db::Open(path_, OpenMode::kReadOnlyQueries);
  if (!db) return Unexpected(db.error());
  readers_.push_back(std::make_unique<Db>(std::move(*db)));
  return Lease(this, readers_.back().get(), /*writer=*/false);
}

void ConnectionPool::Release(Db* db, bool writer) {
  if (writer) {
    writer_mu_.unlock();
    return;
  }
  {
    std::lock_guard lock(readers_mu_);
    idle_.push_back(db);
  }
  reader_free_.notify_one();
}

}  // namespace noisett::catalog::sqlite
