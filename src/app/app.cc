// Opening the program's parts: the local directory store with server-signed links (the embedded
// default) or Azure Blob Storage with SAS links; the SQLite or PostgreSQL catalog; the generator;
// the token checker; the service over them.
#include "app/app.h"

#include <filesystem>

#include "app/file_io.h"
#include "catalog/postgres_catalog.h"
#include "catalog/sqlite_catalog.h"
#include "core/log.h"
#include "generate/make_generator.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_client.h"
#include "storage/azure/azure_link_signer.h"
#include "storage/azure/credential.h"
#include "storage/azure/delegation_key_cache.h"
#include "storage/instrumented_blob_store.h"
#include "storage/link_keys.h"
#include "storage/local_blob_store.h"

namespace noisett::app {
namespace {

bool WantsAzure(const BackendConfig& backend) {
  if (!backend.store.empty()) return backend.store.rfind("azure://", 0) == 0;
  return !backend.azure.account.empty() || !backend.azure.connection_string.empty();
}

std::string LocalStoreUrl(const Config& config) {
  return config.backend.store.empty() ? "file://" + config.data_dir + "/blobs"
                                      : config.backend.store;
}

std::string CatalogUrl(const Config& config) {
  return config.backend.catalog.empty() ? "sqlite://" + config.data_dir + "/noisett.db"
                                        : config.backend.catalog;
}

Unexpected StoreMissing(const Config& config, const std::string& what) {
  return Unexpected(MakeError(
      ErrorCode::kNotFound, "store_missing",
      "no store here: " + what + " does not exist (data dir " + config.data_dir +
          ", --data-dir / NOISETT_DATA_DIR). Check the path; to create a store, run `noisett "
          "init` (or start `noisett serve`, which creates it on its first start)"));
}

}  // namespace

Status CheckStoreExists(const Config& config, bool with_catalog) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(config.data_dir, ec)) return StoreMissing(config, config.data_dir);
  if (!WantsAzure(config.backend)) {
    auto store = storage::ParseStoreUrl(LocalStoreUrl(config));
    if (!store) return Unexpected(store.error());
    const fs::path blobs = fs::path(store->root) / config.backend.container / "blobs";
    if (!fs::is_directory(blobs, ec)) return StoreMissing(config, blobs.string());
  }
  const std::string catalog_url = CatalogUrl(config);
  if (with_catalog && !catalog::IsPostgresUrl(catalog_url)) {
    auto path = catalog::ParseCatalogUrl(catalog_url);
    if (!path) return Unexpected(path.error());
    if (*path != ":memory:" && !fs::exists(*path, ec)) return StoreMissing(config, *path);
  }
  return Ok();
}

Result<lifecycle::Policy> LoadLifecyclePolicy(const BackendConfig& config,
                                              std::string_view container) {
  if (config.lifecycle_policy.empty()) {
    return lifecycle::DefaultPolicy(container, config.retention);
  }
  constexpr uint64_t kMaxPolicyBytes = 1 << 20;  // 100 rules are a few tens of kB
  auto text = ReadFileCapped(config.lifecycle_policy, kMaxPolicyBytes);
  if (!text) return Unexpected(text.error());
  if (text->size() > kMaxPolicyBytes) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_policy",
                                config.lifecycle_policy + ": larger than 1 MiB"));
  }
  auto policy = lifecycle::ParsePolicy(*text);
  if (!policy) {
    Error e = policy.error();
    e.message = config.lifecycle_policy + ": " + e.message;
    return Unexpected(std::move(e));
  }
  return policy;
}

App::App(const Config& config, const AppOptions& options)
    : config_(config),
      clock_(options.clock != nullptr ? options.clock : &SystemClock::Instance()),
      metrics_(options.metrics != nullptr ? options.metrics : &metrics::Global()),
      public_url_(config.backend.public_url.empty() ? "http://" + config.serve.listen
                                                    : config.backend.public_url),
      generator_(options.generator) {}

App::~App() { StopJobRunner(); }

storage::BlobStore& App::blobs() { return *blobs_; }

Result<std::unique_ptr<App>> App::Open(const Config& config, AppOptions options) {
  if (!options.create_store) {
    Status exists = CheckStoreExists(config, /*with_catalog=*/!options.create_catalog);
    if (!exists) return Unexpected(exists.error());
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "data_dir",
                                "cannot create " + config.data_dir + ": " + ec.message()));
  }
  std::unique_ptr<App> app(new App(config, options));
  Status store = WantsAzure(config.backend) ? app->OpenAzureStore() : app->OpenLocalStore();
  if (!store) return Unexpected(store.error());
  app->blobs_ = std::make_unique<storage::InstrumentedBlobStore>(*app->raw_blobs_, *app->metrics_);
  if (Status catalog = app->OpenCatalog(); !catalog) return Unexpected(catalog.error());
  if (app->generator_ == nullptr) {
    auto made = generate::MakeGenerator(config.backend.generator);
    if (!made) return Unexpected(made.error());
    app->owned_generator_ = std::move(*made);
    app->generator_ = app->owned_generator_.get();
  }
  if (options.authenticator) {
    auto validator = auth::MakeValidator(config.auth, *app->clock_);
    if (!validator) return Unexpected(validator.error());
    app->authenticator_ =
        std::make_unique<auth::Authenticator>(config.auth.mode, std::move(*validator));
  }
  if (Status service = app->OpenService(); !service) return Unexpected(service.error());
  app->description_ = app->raw_blobs_->Describe() + ", " + app->description_;
  return app;
}

Status App::OpenLocalStore() {
  const BackendConfig& backend = config_.backend;
  auto store = storage::ParseStoreUrl(LocalStoreUrl(config_));
  if (!store) return Unexpected(store.error());
  store->container = backend.container;
  store->retention_days = backend.soft_delete_days;
  auto blobs = storage::LocalBlobStore::Open(*store, *clock_);
  if (!blobs) return Unexpected(blobs.error());
  local_store_ = blobs->get();
  raw_blobs_ = std::move(*blobs);
  container_ = backend.container;

  auto keys = storage::LoadLinkKeys(
      backend.link_keys.empty() ? std::nullopt : std::optional(backend.link_keys),
      config_.data_dir);
  if (!keys) return Unexpected(keys.error());
  auto links = storage::LocalLinkSigner::Create(public_url_, std::move(*keys), *clock_);
  if (!links) return Unexpected(links.error());
  local_links_ = links->get();
  links_ = std::move(*links);
  return Ok();
}

Status App::OpenAzureStore() {
  const BackendConfig& backend = config_.backend;
  storage::azure::AzureSettings settings = backend.azure;
  if (backend.store.rfind("azure://", 0) == 0) settings.store_url = backend.store;
  if (settings.container.empty()) settings.container = backend.container;
  auto azure_config = storage::azure::ResolveAzureConfig(settings);
  if (!azure_config) return Unexpected(azure_config.error());

  std::shared_ptr<storage::azure::TokenCredential> credential;
  if (azure_config->account_key.empty()) {
    credential = storage::azure::MakeDefaultCredential(backend.credentials, *clock_);
  }
  auto client = storage::azure::AzureClient::Create(*azure_config, credential, *clock_);
  if (!client) return Unexpected(client.error());
  azure_ = std::move(*client);

  auto store = std::make_unique<storage::azure::AzureBlobStore>(*azure_);
  // Azurite and first runs start without the container. Where the identity may not create
  // containers (production: the deploy script made it), the store still works, so only warn.
  if (auto made = store->EnsureContainer(); !made) {
    LogWarn("azure: cannot make sure the container exists: " + made.error().ToString());
  }
  raw_blobs_ = std::move(store);
  container_ = azure_config->container;
  store_url_ = azure_config->endpoint;

  std::unique_ptr<storage::azure::DelegationKeyCache> keys;
  if (!azure_->uses_shared_key()) {
    keys = std::make_unique<storage::azure::DelegationKeyCache>(
        storage::azure::FetchDelegationKeyWith(*azure_), *clock_);
  }
  auto links = storage::azure::AzureLinkSigner::Create(*azure_, std::move(keys), *clock_);
  if (!links) return Unexpected(links.error());
  links_ = std::move(*links);
  return Ok();
}

Status App::OpenCatalog() {
  const BackendConfig& backend = config_.backend;
  const std::string url = CatalogUrl(config_);
  if (catalog::IsPostgresUrl(url)) {
    catalog::PostgresOptions options;
    options.url = url;
    options.pool_size = backend.pg_pool;
    options.statement_timeout_ms = backend.pg_statement_timeout_ms;
    options.environment_password = backend.pg_password;
    auto catalog = catalog::PostgresCatalog::Open(options);
    if (!catalog) return Unexpected(catalog.error());
    description_ = (*catalog)->Describe() + " (pool " + std::to_string(backend.pg_pool) + ")";
    catalog_ = std::move(*catalog);
    return Ok();
  }
  auto path = catalog::ParseCatalogUrl(url);
  if (!path) return Unexpected(path.error());
  auto catalog = catalog::SqliteCatalog::Open(*path);
  if (!catalog) return Unexpected(catalog.error());
  catalog_ = std::move(*catalog);
  description_ = "sqlite://" + *path;
  return Ok();
}

Status App::OpenService() {
  const BackendConfig& backend = config_.backend;
  auto policy = LoadLifecyclePolicy(backend, container_);
  if (!policy) return Unexpected(policy.error());
  service::ServiceConfig service_config;
  service_config.container = container_;
  service_config.import = backend.import;
  service_config.default_tier = backend.default_tier;
  service_config.policy = std::move(*policy);
  service_config.retention = backend.retention;
  service_config.cdn_base = backend.cdn_url;
  service_config.link_bucket_s = backend.link_bucket_s;
  service_config.list_cache_bytes = backend.list_cache_bytes;
  service_config.soft_delete_days = backend.soft_delete_days;
  service_config.optimize = backend.optimize;
  service_config.renditions = backend.renditions;
  service_config.jobs = backend.jobs;
  service::ServiceDeps deps{
      *blobs_, *catalog_, *links_, *clock_, *metrics_, job_ids_, std::move(service_config)};
  // Noisett applies the lifecycle policy itself only to its own store; Azure applies it there.
  if (storage::LocalBlobStore* local = local_store_) {
    deps.purge_expired = [local](bool dry_run) { return local->PurgeExpired(dry_run); };
  }
  deps.generator = generator_;
  service_ = std::make_unique<service::Service>(std::move(deps));
  return Ok();
}

service::JobRunner& App::StartJobRunner() {
  if (!runner_) {
    service::JobRunnerOptions options;
    options.instance_id = config_.backend.instance_id;
    options.concurrency = config_.backend.generate_concurrency;
    options.lease_ms = config_.backend.generate_lease_ms;
    runner_ = std::make_unique<service::JobRunner>(service_->generate(), catalog_->jobs(),
                                                   service_->job_events(), std::move(options));
    service::JobRunner* runner = runner_.get();
    service_->SetJobWaker([runner] { runner->Wake(); });
    runner_->Start();
    LogInfo("generation jobs: instance " + runner_->options().instance_id + ", " +
            std::to_string(runner_->options().concurrency) + " at once (" +
            std::string(generator_->name()) + ")");
  }
  return *runner_;
}

void App::StopJobRunner() {
  if (!runner_) return;
  service_->SetJobWaker({});
  runner_->Stop();
}

}  // namespace noisett::app
