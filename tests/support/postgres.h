// The PostgreSQL server the catalog suites talk to, and scratch space on it.
//
// scripts/test.sh starts one server for the whole run (scripts/postgres.sh) and exports
// NOISETT_TEST_PG_URL; PostgresTestUrl() reads it. Without it the PostgreSQL suites skip, saying
// so on stderr. Tests run in parallel (ctest -j, release and sanitize builds) on that one server,
// so each works in its own schema or database (ScratchSchema / ScratchDatabase, random names) and
// touches nothing else: never another test's sessions, never the server itself. A test that
// must restart a server starts a private one (PrivateServer).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace noisett::testing {

// NOISETT_TEST_PG_URL, or "" (then the caller skips).
std::string PostgresTestUrl();

// A name no other test uses: prefix + pid + counter + random, lowercase [a-z0-9_].
std::string UniquePgName(std::string_view prefix);

// `url` with one more query parameter (value percent-encoded).
std::string WithQueryParam(const std::string& url, std::string_view key, std::string_view value);
// `url` (a URI with a /dbname path) naming database `db` instead.
std::string WithDatabase(const std::string& url, const std::string& db);

// Runs `sql` (no parameters; test-made names only) on a short-lived connection to `url`.
// Returns "" on success, else the error text.
std::string PgExec(const std::string& url, const std::string& sql);
// The first column of the first row of `sql` as text ("" when no row); error text in *error.
std::string PgQueryValue(const std::string& url, const std::string& sql,
                         std::string* error = nullptr);

// One open connection of a test's own (e.g. to hold a lock in an open transaction while the
// catalog works, or to sample pg_stat_activity). Not thread-safe.
class PgSession final {
 public:
  // nullptr with *error set when it cannot connect.
  static std::unique_ptr<PgSession> Connect(const std::string& url, std::string* error);
  ~PgSession();
  // Runs `sql` outside any libpqxx transaction (so "BEGIN" / "ROLLBACK" are the test's to send).
  // Returns "" on success, else the error text.
  std::string Exec(const std::string& sql);
  // The first column of the first row as text; "" when no row or on error (*error set).
  std::string Query(const std::string& sql, std::string* error = nullptr);

 private:
  struct Impl;
  explicit PgSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A fresh, empty schema on the test server, dropped (CASCADE) on destruction. url() connects with
// search_path set to it (options=-csearch_path=NAME), so a catalog opened on it sees only it.
class ScratchSchema final {
 public:
  // nullptr with *error set when the schema cannot be made.
  static std::unique_ptr<ScratchSchema> Create(const std::string& base_url, std::string* error);
  ~ScratchSchema();
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  ScratchSchema(std::string base_url, std::string name);
  std::string base_url_, name_, url_;
};

// A fresh database (for tests that count or terminate sessions by datname), dropped WITH (FORCE)
// on destruction.
class ScratchDatabase final {
 public:
  static std::unique_ptr<ScratchDatabase> Create(const std::string& base_url, std::string* error);
  ~ScratchDatabase();
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  ScratchDatabase(std::string base_url, std::string name);
  std::string base_url_, name_, url_;
};

// A server of this test's own, started by scripts/postgres.sh in a temporary folder (with this
// process as the watchdog's WATCH_PID), stopped and removed on destruction.
class PrivateServer final {
 public:
  static std::unique_ptr<PrivateServer> Start(std::string* error);
  ~PrivateServer();
  const std::string& url() const { return url_; }
  // scripts/postgres.sh restart / stop: "" on success, else the script's stderr.
  std::string Restart();
  std::string Stop();

 private:
  explicit PrivateServer(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_, url_;
};

}  // namespace noisett::testing
