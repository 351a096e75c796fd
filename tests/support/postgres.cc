// Scratch schemas and databases on the test PostgreSQL, and private servers through
// scripts/postgres.sh. Admin work goes through libpqxx on short-lived connections.
#include "support/postgres.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <random>
#include <sstream>

#include "core/percent_encoding.h"
#include "support/subprocess.h"

#ifndef NOISETT_SOURCE_DIR
#error "NOISETT_SOURCE_DIR must name the source tree (scripts/postgres.sh lives there)"
#endif

namespace noisett::testing {
namespace {

std::string ScriptPath() { return std::string(NOISETT_SOURCE_DIR) + "/scripts/postgres.sh"; }

}  // namespace

std::string PostgresTestUrl() {
  const char* url = std::getenv("NOISETT_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr,
                 "[postgres] NOISETT_TEST_PG_URL is not set: PostgreSQL tests SKIPPED (run "
                 "scripts/test.sh, or eval \"$(scripts/postgres.sh start DIR)\")\n");
    return "";
  }
  return url;
}

std::string UniquePgName(std::string_view prefix) {
  static std::atomic<int> counter{0};
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return std::string(prefix) + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
         "_" + std::to_string(random() % 1000000);
}

std::string WithQueryParam(const std::string& url, std::string_view key, std::string_view value) {
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  return url + separator + std::string(key) + "=" +
         PercentEncode(value, PercentKeep::kLinkComponent);
}

std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t authority = url.find("://");
  const size_t path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const size_t query = url.find('?');
  if (path == std::string::npos) return url + "/" + db;
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, path) + "/" + db + rest;
}

std::string PgExec(const std::string& url, const std::string& sql) {
  try {
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    tx.exec(sql);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}


struct PgSession::Impl {
  explicit Impl(const std::string& url) : connection(url) {}
  pqxx::connection connection;
};

PgSession::PgSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgSession::~PgSession() = default;

std::unique_ptr<PgSession> PgSession::Connect(const std::string& url, std::string* error) {
  try {
    return std::unique_ptr<PgSession>(new PgSession(std::make_unique<Impl>(url)));
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}

std::string PgSession::Exec(const std::string& sql) {
  try {
    pqxx::nontransaction tx(impl_->connection);
    tx.exec(sql);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string PgSession::Query(const std::string& sql, std::string* error) {
  try {
    pqxx::nontransaction tx(impl_->connection);
    const pqxx::result rows = tx.exec(sql);
    if (rows.empty() || rows[0][0].is_null()) return "";
    return rows[0][0].c_str();
  } catch (const std::exception& e) {
    if (error != nullptr) *error = e.what();
    return "";
  }
}

std::string PgQueryValue(const std::string& url, const std::string& sql, std::string* error) {
  std::string connect_error;
  auto session = PgSession::Connect(url, &connect_error);
  if (session == nullptr) {
    if (error != nullptr) *error = connect_error;
    return "";
  }
  return session->Query(sql, error);
}

ScratchSchema::ScratchSchema(std::string base_url, std::string name)
    : base_url_(std::move(base_url)), name_(std::move(name)) {
  url_ = WithQueryParam(base_url_, "options", "-csearch_path=" + name_);
}

std::unique_ptr<ScratchSchema> ScratchSchema::Create(const std::string& base_url,
                                                     std::string* error) {
  const std::string name = UniquePgName("t_");
  *error = PgExec(base_url, "CREATE SCHEMA " + name);
  if (!error->empty()) return nullptr;
  return std::unique_ptr<ScratchSchema>(new ScratchSchema(base_url, name));
}

ScratchSchema::~ScratchSchema() { (void)PgExec(base_url_, "DROP SCHEMA " + name_ + " CASCADE"); }

ScratchDatabase::ScratchDatabase(std::string base_url, std::string name)
    : base_url_(std::move(base_url)), name_(std::move(name)) {
  url_ = WithDatabase(base_url_, name_);
}

std::unique_ptr<ScratchDatabase> ScratchDatabase::Create(const std::string& base_url,
                                                         std::string* error) {
  const std::string name = UniquePgName("d_");
  *error = PgExec(base_url, "CREATE DATABASE " + name);
  if (!error->empty()) return nullptr;
  return std::unique_ptr<ScratchDatabase>(new ScratchDatabase(base_url, name));
}

ScratchDatabase::~ScratchDatabase() {
  (void)PgExec(base_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

std::unique_ptr<PrivateServer> PrivateServer::Start(std::string* error) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "noisett-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    *error = "mkdtemp failed for " + pattern;
    return nullptr;
  }
  std::unique_ptr<PrivateServer> server(new PrivateServer(pattern));
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(90000);
  const ProcessResult run = RunProcess(
      {"/bin/bash", ScriptPath(), "start", pattern, std::to_string(::getpid())}, options);
  server->url_ = ExportedValue(run.out, "NOISETT_TEST_PG_URL");
  if (run.status != 0 || server->url_.empty()) {
    *error = "scripts/postgres.sh start failed (status " + std::to_string(run.status) +
             "): " + run.err;
    return nullptr;
  }
  return server;
}

std::string PrivateServer::Restart() {
  const ProcessResult run = RunProcess({"/bin/bash", ScriptPath(), "restart", dir_});
  return run.status == 0 ? "" : "restart failed: " + run.err;
}

std::string PrivateServer::Stop() {
  const ProcessResult run = RunProcess({"/bin/bash", ScriptPath(), "stop", dir_});
  return run.status == 0 ? "" : "stop failed: " + run.err;
}

PrivateServer::~PrivateServer() {
  (void)Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace noisett::testing
