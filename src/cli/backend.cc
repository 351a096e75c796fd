// Opening the back end: the local directory store with server-signed links (the embedded
// default), or Azure Blob Storage with SAS links; the SQLite or PostgreSQL catalog; the service
// over them.
#include "cli/backend.h"

#include <filesystem>

#include "catalog/postgres_catalog.h"
#include "catalog/sqlite_catalog.h"
#include "cli/file_io.h"
#include "core/log.h"
#include "lifecycle/retention.h"
#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_client.h"
#include "storage/azure/azure_link_signer.h"
#include "storage/azure/credential.h"
#include "storage/azure/delegation_key_cache.h"
#include "storage/link_keys.h"
#include "storage/local_blob_store.h"

namespace noisett::cli {
namespace {

bool WantsAzure(const BackendFlags& flags) {
  if (!flags.store.empty()) return flags.store.rfind("azure://", 0) == 0;
  return !flags.azure.account.empty() || !flags.azure.connection_string.empty();
}

}  // namespace

BackendFlags WithPublicUrl(BackendFlags flags) {
  if (flags.public_url.empty()) flags.public_url = "http://127.0.0.1:8080";
  return flags;
}

Result<lifecycle::Policy> LifecyclePolicyFromFlags(const BackendFlags& flags,
                                                   std::string_view container) {
  if (!flags.lifecycle_policy.empty()) {
    constexpr uint64_t kMaxPolicyBytes = 1 << 20;  // 100 rules are a few tens of kB
    auto text = ReadFileCapped(flags.lifecycle_policy, kMaxPolicyBytes);
    if (!text) return Unexpected(text.error());
    if (text->size() > kMaxPolicyBytes) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_policy",
                                  flags.lifecycle_policy + ": larger than 1 MiB"));
    }
    auto policy = lifecycle::ParsePolicy(*text);
    if (!policy) {
      Error e = policy.error();
      e.message = flags.lifecycle_policy + ": " + e.message;
      return Unexpected(std::move(e));
    }
    return policy;
  }
  auto retention = lifecycle::ParseRetentionDays(flags.retention_days);
  if (!retention) return Unexpected(retention.error());
  return lifecycle::DefaultPolicy(container, *retention);
}

Backend::Backend() = default;
Backend::~Backend() = default;

Status Backend::OpenLocalStore(const BackendFlags& flags, const Clock& clock) {
  auto store = storage::ParseStoreUrl(flags.store.empty() ? "file://" + flags.data_dir + "/blobs"
                                                          : flags.store);
  if (!store) return Unexpected(store.error());
  store->container = flags.container;
  store->retention_days = flags.soft_delete_days;
  auto blobs = storage::LocalBlobStore::Open(*store, clock);
  if (!blobs) return Unexpected(blobs.error());
  local_store_ = blobs->get();
  blobs_ = std::move(*blobs);
  container_ = flags.container;

  auto keys = storage::LoadLinkKeys(flags.link_keys.empty() ? std::nullopt
                                                            : std::optional(flags.link_keys),
                                    flags.data_dir);
  if (!keys) return Unexpected(keys.error());
  auto links = storage::LocalLinkSigner::Create(flags.public_url, std::move(*keys), clock);
  if (!links) return Unexpected(links.error());
  local_links_ = links->get();
  links_ = std::move(*links);
  return Ok();
}

Status Backend::OpenAzureStore(const BackendFlags& flags, const Clock& clock) {
  storage::azure::AzureSettings settings = flags.azure;
  if (flags.store.rfind("azure://", 0) == 0) settings.store_url = flags.store;
  if (settings.container.empty()) settings.container = flags.container;
  auto config = storage::azure::ResolveAzureConfig(settings);
  if (!config) return Unexpected(config.error());

  std::shared_ptr<storage::azure::TokenCredential> credential;
  if (config->account_key.empty()) {
    credential = storage::azure::MakeDefaultCredential(
        storage::azure::CredentialSettingsFromEnv(), clock);
  }
  auto client = storage::azure::AzureClient::Create(*config, credential, clock);
  if (!client) return Unexpected(client.error());
  azure_ = std::move(*client);

  auto store = std::make_unique<storage::azure::AzureBlobStore>(*azure_);
  // Azurite and first runs start without the container. Where the identity may not create
  // containers (production: the deploy script made it), the store still works, so only warn.
  if (auto made = store->EnsureContainer(); !made) {
    LogWarn("azure: cannot make sure the container exists: " + made.error().ToString());
  }
  blobs_ = std::move(store);
  container_ = config->container;
  store_url_ = config->endpoint;

  std::unique_ptr<storage::azure::DelegationKeyCache> keys;
  if (!azure_->uses_shared_key()) {
    keys = std::make_unique<storage::azure::DelegationKeyCache>(
        storage::azure::FetchDelegationKeyWith(*azure_), clock);
  }
  auto links = storage::azure::AzureLinkSigner::Create(*azure_, std::move(keys), clock);
  if (!links) return Unexpected(links.error());
  links_ = std::move(*links);
  return Ok();
}

Result<std::unique_ptr<Backend>> Backend::Open(const BackendFlags& flags, const Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(flags.data_dir, ec);
  if (ec) {
    return Unexpected(MakeError(ErrorCode::kUnavailable, "data_dir",
                                "cannot create " + flags.data_dir + ": " + ec.message()));
  }
  std::unique_ptr<Backend> b(new Backend());
  Status store = WantsAzure(flags) ? b->OpenAzureStore(flags, clock)
                                   : b->OpenLocalStore(flags, clock);
  if (!store) return Unexpected(store.error());
  b->counted_ = std::make_unique<storage::InstrumentedBlobStore>(*b->blobs_);

  if (Status catalog = b->OpenCatalog(flags); !catalog) return Unexpected(catalog.error());

  if (!lifecycle::IsSubscriptionTier(flags.default_tier)) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_tier",
                                "default tier \"" + flags.default_tier +
                                    "\" is not one of free, basic, pro, enterprise"));
  }
  auto policy = LifecyclePolicyFromFlags(flags, b->container_);
  if (!policy) return Unexpected(policy.error());
  auto retention = lifecycle::ParseRetentionDays(flags.retention_days);
  if (!retention) return Unexpected(retention.error());

  auto import = net::ParseImportPolicy(flags.import_allow, flags.import_hosts);
  if (!import) return Unexpected(import.error());
  generate::GeneratorSettings generator = flags.generator;
  generator.replicate.downloads = *import;
  auto made = generate::MakeGenerator(generator);
  if (!made) return Unexpected(made.error());
  b->generator_ = std::move(*made);

  service::ServiceConfig config;
  config.container = b->container_;
  config.import = *import;
  config.default_tier = flags.default_tier;
  config.policy = std::move(*policy);
  config.retention = *retention;
  config.cdn_base = flags.cdn_url;
  config.soft_delete_days = flags.soft_delete_days;
  config.optimize = flags.optimize;
  service::ServiceDeps deps{b->blobs(), *b->catalog_, *b->links_, clock, config};
  // Noisett applies the lifecycle policy itself only to its own store; Azure applies it there.
  if (storage::LocalBlobStore* local = b->local_store_) {
    deps.purge_expired = [local](bool dry_run) { return local->PurgeExpired(dry_run); };
  }
  deps.generator = b->generator_.get();
  b->service_ = std::make_unique<service::Service>(std::move(deps));
  b->description_ = b->blobs_->Describe() + ", " + b->description_;
  return b;
}

Status Backend::OpenCatalog(const BackendFlags& flags) {
  const std::string url =
      flags.catalog.empty() ? "sqlite://" + flags.data_dir + "/noisett.db" : flags.catalog;
  if (catalog::IsPostgresUrl(url)) {
    catalog::PostgresOptions options;
    options.url = url;
    options.pool_size = flags.pg_pool;
    options.statement_timeout_ms = flags.pg_statement_timeout_ms;
    auto catalog = catalog::PostgresCatalog::Open(options);
    if (!catalog) return Unexpected(catalog.error());
    description_ = (*catalog)->Describe() + " (pool " + std::to_string(flags.pg_pool) + ")";
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

}  // namespace noisett::cli
