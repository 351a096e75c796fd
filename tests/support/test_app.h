// The in-process test fixture: an app::App, built exactly as `noisett serve` builds it (one
// Config, one assembly root), over a fresh temporary data dir: the local store and SQLite by
// default, or the run's Azurite (a container of its own) and PostgreSQL (a schema of its own).
// Tests of commands use it instead of spawning `noisett serve`: no process, no socket, no wait
// for a port, and failures show in the test's own stack.
//
//   noisett::testing::TestApp t;                 // local store + SQLite, system clock
//   ASSERT_TRUE(t.ok()) << t.error();
//   auto out = t.Run("history.list", t.User("alice"), {{"limit", 5}});
//
// Tokens are minted in process by the data dir's dev issuer (as `noisett token` would), and the
// App checks them in dev mode when built with `authenticator`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "auth/user.h"
#include "core/result.h"

namespace noisett::testing {

class ScratchSchema;

struct TestAppOptions {
  bool azurite = false;          // the run's Azurite, a fresh container (skip when it is not there)
  bool postgres = false;         // the run's PostgreSQL, a fresh schema (skip when it is not there)
  const Clock* clock = nullptr;  // null: the system clock
  generate::Generator* generator = nullptr;  // null: the configured one (noise)
  metrics::Registry* metrics = nullptr;      // null: metrics::Global()
  bool authenticator = true;                 // dev mode, keys in the data dir
  app::Flags settings;  // more settings, as their flags: {{"--soft-delete-days", "3"}}
  bool job_runner = true;  // run generation jobs here, as serve does (false: they stay queued)
};

class TestApp {
 public:
  explicit TestApp(TestAppOptions options = {});
  ~TestApp();
  TestApp(const TestApp&) = delete;
  TestApp& operator=(const TestApp&) = delete;

  // "" when the App opened; else why not (a missing Azurite or PostgreSQL says so: skip on it).
  const std::string& error() const { return error_; }
  bool ok() const { return app_ != nullptr; }
  // True when the test asked for Azurite or PostgreSQL and the run has none.
  bool unavailable() const { return unavailable_; }

  app::App& app() { return *app_; }
  service::Service& service() { return app_->service(); }
  const app::Config& config() const { return config_; }
  // The temporary directory holding the data dir; removed on destruction.
  const std::string& root() const { return root_; }
  std::string data_dir() const { return root_ + "/data"; }

  // A dev-issuer token for `user` (the data dir's key, as `noisett token` mints it).
  std::string Token(const std::string& user, bool admin = false);
  static auth::User User(const std::string& id, bool admin = false);

  // A command through the registry, its answer parsed.
  Result<nlohmann::json> Run(const std::string& command, const auth::User& user,
                             const nlohmann::json& args = nlohmann::json::object(),
                             std::string_view body = {});

  // Closes the App (its store and catalog) and opens it again on the same data: a restart.
  void Reopen();

  // Another App on the same data (store, catalog, link keys; the same clock), as a second
  // `noisett serve` beside this one: its own connections and caches, no job runner. `settings`
  // override this App's ({{"--list-cache", "0"}}); `metrics` null: this App's registry.
  Result<std::unique_ptr<app::App>> OpenAnotherInstance(const app::Flags& settings = {},
                                                        metrics::Registry* metrics = nullptr);

 private:
  void Open();

  TestAppOptions options_;
  std::string root_;
  app::Config config_;
  app::Flags flags_;  // what config_ was loaded from
  std::unique_ptr<ScratchSchema> schema_;
  std::unique_ptr<app::App> app_;
  std::string error_;
  bool unavailable_ = false;
};

}  // namespace noisett::testing
