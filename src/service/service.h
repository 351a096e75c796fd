// The service: the one place where auth, image, storage and catalog meet. It owns the command
// registry (history, favorites, images, metrics) that HTTP and the CLI both call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "generate/generator.h"
#include "image/image_types.h"
#include "lifecycle/policy.h"
#include "lifecycle/retention.h"
#include "net/safe_fetch.h"
#include "service/command.h"
#include "storage/blob_store.h"
#include "storage/link_signer.h"

namespace noisett::service {

struct ServiceConfig {
  std::string container = "noisett-storage";  // AZURE_STORAGE_CONTAINER
  std::string cdn_base;                       // NOISETT_CDN_URL; empty: CDN links = signed links
  int64_t list_link_ttl_s = 24 * 3600;        // links inside history / favorites responses
  int64_t soft_delete_days = 7;               // NOISETT_SOFT_DELETE_DAYS: restore window
  image::OptimizeOptions optimize;            // quality, sizes, upload limits
  std::string default_tier = "free";          // NOISETT_DEFAULT_TIER: a new user's subscription
  lifecycle::Policy policy;                   // lifecycle.run applies it, lifecycle.export prints it
  lifecycle::RetentionConfig retention;       // NOISETT_RETENTION_DAYS: cost.estimate's projection
  net::ImportPolicy import;                   // images.import: NOISETT_IMPORT_ALLOW / _HOSTS
};

// What every command needs. References outlive the Service.
struct ServiceDeps {
  storage::BlobStore& blobs;
  catalog::Catalog& catalog;
  storage::LinkSigner& links;
  const Clock& clock;
  ServiceConfig config;
  // Purges soft-deleted blobs past the store's window (LocalBlobStore::PurgeExpired). Set only
  // when Noisett applies the lifecycle policy itself (the local store); empty on Azure, where
  // Azure applies it and lifecycle.run refuses.
  // With dry_run, only says what it would purge.
  std::function<Result<std::vector<storage::BlobProperties>>(bool dry_run)> purge_expired = {};
  // What `generate` runs (NOISETT_GENERATOR); null: generate refuses with "no_generator".
  generate::Generator* generator = nullptr;
};

class Service {
 public:
  explicit Service(ServiceDeps deps);

  const CommandRegistry& registry() const { return registry_; }
  Result<nlohmann::json> Run(std::string_view command, const auth::User& user,
                             const CommandInput& input) const;
  Result<std::string> RunText(std::string_view command, const auth::User& user,
                              const CommandInput& input) const;

  // Store and catalog reachable (/readyz).
  Status CheckReady() const;
  const ServiceDeps& deps() const { return deps_; }

 private:
  ServiceDeps deps_;
  CommandRegistry registry_;
};

// Registration of each command family (one file each).
void RegisterImageCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterHistoryCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterFavoriteCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterMetricsCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterLifecycleCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterCostCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterUserCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterGenerateCommands(CommandRegistry& registry, ServiceDeps& deps);
void RegisterImportCommands(CommandRegistry& registry, ServiceDeps& deps);

}  // namespace noisett::service
