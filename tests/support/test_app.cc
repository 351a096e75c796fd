// The in-process App fixture.
#include "support/test_app.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "auth/dev_issuer.h"
#include "image/pipeline.h"
#include "support/azurite.h"
#include "support/postgres.h"

namespace noisett::testing {

TestApp::TestApp(TestAppOptions options) : options_(std::move(options)) {
  image::InitPipeline();
  std::string tmpl = (std::filesystem::temp_directory_path() / "noisett-app-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  root_ = tmpl;
  app::Flags flags = options_.settings;
  flags.emplace("--data-dir", data_dir());
  flags.emplace("--auth", "dev");
  if (options_.azurite) {
    const AzuriteInfo& az = Azurite();
    if (!az.ok()) {
      error_ = "no Azurite: " + az.error;
      unavailable_ = true;
      return;
    }
    flags.emplace("--azure-account", az.account);
    flags.emplace("--azure-endpoint", az.endpoint);
    flags.emplace("--azure-key", az.key);
    flags.emplace("--azure-ca-file", az.ca_file);
    flags.emplace("--container", UniqueContainerName(CurrentTestHint()));
  }
  if (options_.postgres) {
    const std::string base = PostgresTestUrl();
    if (base.empty()) {
      error_ = "no PostgreSQL: NOISETT_TEST_PG_URL is not set (scripts/test.sh sets it)";
      unavailable_ = true;
      return;
    }
    std::string why;
    schema_ = ScratchSchema::Create(base, &why);
    if (!schema_) {
      error_ = "no scratch schema: " + why;
      return;
    }
    flags.emplace("--catalog", schema_->url());
  }
  flags_ = flags;
  auto config = app::LoadConfig(app::kServe, flags, {});
  if (!config) {
    error_ = config.error().ToString();
    return;
  }
  config_ = std::move(*config);
  // The dev issuer's key exists before the App's token checker first reads its JWKS.
  if (auto issuer = auth::DevIssuer::Open(config_.data_dir); !issuer) {
    error_ = issuer.error().ToString();
    return;
  }
  Open();
}

TestApp::~TestApp() {
  app_.reset();  // before the files and the schema it uses
  schema_.reset();
  std::error_code ec;
  if (!root_.empty()) std::filesystem::remove_all(root_, ec);
}

void TestApp::Open() {
  app::AppOptions options;
  options.clock = options_.clock;
  options.generator = options_.generator;
  options.metrics = options_.metrics;
  options.authenticator = options_.authenticator;
  options.create_store = true;
  auto opened = app::App::Open(config_, options);
  if (!opened) {
    error_ = opened.error().ToString();
    return;
  }
  app_ = std::move(*opened);
  // As serve does: generation jobs run in this process.
  if (options_.job_runner) app_->StartJobRunner();
}

void TestApp::Reopen() {
  app_.reset();
  Open();
}

Result<std::unique_ptr<app::App>> TestApp::OpenAnotherInstance(const app::Flags& settings,
                                                               metrics::Registry* metrics) {
  app::Flags flags = flags_;
  for (const auto& [flag, value] : settings) flags[flag] = value;
  auto config = app::LoadConfig(app::kServe, flags, {});
  if (!config) return Unexpected(config.error());
  app::AppOptions options;
  options.clock = options_.clock;
  options.generator = options_.generator;
  options.metrics = metrics != nullptr ? metrics : options_.metrics;
  options.authenticator = options_.authenticator;
  return app::App::Open(*config, options);
}

std::string TestApp::Token(const std::string& user, bool admin) {
  auto issuer = auth::DevIssuer::Open(data_dir());
  EXPECT_TRUE(issuer) << issuer.error().ToString();
  if (!issuer) return "";
  auth::DevTokenRequest request;
  request.user = user;
  request.admin = admin;
  request.ttl_s = 3600;
  const Clock& clock = app_ ? app_->clock() : SystemClock::Instance();
  auto token = issuer->Mint(request, clock.NowSeconds());
  EXPECT_TRUE(token) << token.error().ToString();
  return token ? *token : "";
}

auth::User TestApp::User(const std::string& id, bool admin) {
  auth::User user;
  user.user_id = id;
  user.name = id;
  if (admin) user.roles = {std::string(auth::kAdminRole)};
  return user;
}

Result<nlohmann::json> TestApp::Run(const std::string& command, const auth::User& user,
                                    const nlohmann::json& args, std::string_view body) {
  auto text = app_->service().Run(command, user, {args, body});
  if (!text) return Unexpected(text.error());
  return nlohmann::json::parse(*text);
}

}  // namespace noisett::testing
