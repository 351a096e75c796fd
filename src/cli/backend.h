// The embedded back end a `serve` or a direct-mode command runs on: the blob store, the catalog,
// the link signer and the service over them, opened from flags / environment variables.
#pragma once

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "generate/make_generator.h"
#include "core/clock.h"
#include "image/image_types.h"
#include "lifecycle/policy.h"
#include "service/service.h"
#include "storage/azure/azure_config.h"
#include "storage/blob_store.h"
#include "storage/instrumented_blob_store.h"
#include "storage/link_signer.h"

namespace noisett::storage {
class LocalBlobStore;
}
namespace noisett::storage::azure {
class AzureClient;
}

namespace noisett::cli {

// Settings as given (empty = default derived from data_dir).
struct BackendFlags {
  std::string data_dir = "./data";        // NOISETT_DATA_DIR
  std::string store;                      // NOISETT_STORE, default file://DATA_DIR/blobs
  // AZURE_STORAGE_ACCOUNT, _BLOB_ENDPOINT, _CONNECTION_STRING, _KEY, NOISETT_AZURE_CA_FILE; an
  // azure:// store, an account or a connection string selects the Azure store.
  storage::azure::AzureSettings azure;
  std::string container = "noisett-storage";  // AZURE_STORAGE_CONTAINER
  std::string catalog;                    // NOISETT_CATALOG, default sqlite://DATA_DIR/noisett.db
  int pg_pool = 8;                        // NOISETT_PG_POOL: connections per instance
  int pg_statement_timeout_ms = 5000;     // NOISETT_PG_STATEMENT_TIMEOUT_MS
  std::string public_url;                 // NOISETT_PUBLIC_URL, default http://LISTEN
  std::string cdn_url;                    // NOISETT_CDN_URL
  std::string link_keys;                  // NOISETT_LINK_KEYS, default a key in DATA_DIR
  int soft_delete_days = 7;               // NOISETT_SOFT_DELETE_DAYS
  std::string default_tier = "free";      // NOISETT_DEFAULT_TIER: a new user's subscription
  std::string retention_days;             // NOISETT_RETENTION_DAYS: "free=90,...,enterprise=never"
  std::string lifecycle_policy;           // NOISETT_LIFECYCLE_POLICY: a policy file instead
  image::OptimizeOptions optimize;
  generate::GeneratorSettings generator;  // NOISETT_GENERATOR, REPLICATE_API_TOKEN, ...
  std::string import_allow;               // NOISETT_IMPORT_ALLOW: internal ranges allowed
  std::string import_hosts;               // NOISETT_IMPORT_HOSTS: the only hosts allowed
};

// For operator commands that sign no links: the local signer still wants a base URL.
BackendFlags WithPublicUrl(BackendFlags flags);

// The policy lifecycle.run applies and lifecycle.export prints for CONTAINER: the file
// NOISETT_LIFECYCLE_POLICY names (checked as Azure would), else the one made from the retention
// days (NOISETT_RETENTION_DAYS). Errors: "bad_policy", "bad_retention", the file's read errors.
Result<lifecycle::Policy> LifecyclePolicyFromFlags(const BackendFlags& flags,
                                                   std::string_view container);

class Backend {
 public:
  ~Backend();
  static Result<std::unique_ptr<Backend>> Open(const BackendFlags& flags, const Clock& clock);

  service::Service& service() { return *service_; }
  // The store, counting every operation on /metrics (noisett_blob_operations_total).
  storage::BlobStore& blobs() { return *counted_; }
  catalog::Catalog& catalog() { return *catalog_; }
  // The signer of the links the server itself serves (/blobs); null on Azure, whose links point
  // at Azure.
  storage::LocalLinkSigner* local_links() { return local_links_; }
  // True when Noisett applies the lifecycle policy itself (the local store), so `serve` sweeps.
  bool applies_lifecycle() const { return local_store_ != nullptr; }
  const std::string& container() const { return container_; }
  std::string_view generator_name() const { return generator_->name(); }
  // The Azure blob endpoint SAS links point at; "" for the local store.
  const std::string& store_url() const { return store_url_; }
  // "file:///.../blobs (container noisett-storage), sqlite://..." for the start-up log (no
  // passwords).
  const std::string& description() const { return description_; }

 private:
  Backend();
  Status OpenLocalStore(const BackendFlags& flags, const Clock& clock);
  Status OpenAzureStore(const BackendFlags& flags, const Clock& clock);
  // SQLite for sqlite:// (and the default), PostgreSQL for postgresql:// and postgres://.
  Status OpenCatalog(const BackendFlags& flags);

  std::unique_ptr<storage::azure::AzureClient> azure_;  // outlives the store and signer over it
  std::unique_ptr<storage::BlobStore> blobs_;
  std::unique_ptr<storage::InstrumentedBlobStore> counted_;  // over blobs_; everyone uses this
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<storage::LinkSigner> links_;
  storage::LocalLinkSigner* local_links_ = nullptr;  // links_ when it is the local signer
  storage::LocalBlobStore* local_store_ = nullptr;   // blobs_ when it is the local store
  std::unique_ptr<generate::Generator> generator_;   // the service's `generate`
  std::unique_ptr<service::Service> service_;
  std::string container_;
  std::string store_url_;
  std::string description_;
};

}  // namespace noisett::cli
