// App: the one assembly root. From a Config it builds the blob store (counted for /metrics), the
// catalog, the link signer, the token checker, the generator, the job id source and the service
// over them, and owns their lifetimes. `noisett serve`, the CLI's direct command mode and the
// operator commands, and the in-process test fixture all start here, so the program is put
// together in one place.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "app/config.h"
#include "auth/authenticator.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/metrics.h"
#include "generate/generator.h"
#include "lifecycle/policy.h"
#include "service/job_runner.h"
#include "service/service.h"
#include "storage/blob_store.h"
#include "storage/link_signer.h"

namespace noisett::storage {
class InstrumentedBlobStore;
class LocalBlobStore;
}  // namespace noisett::storage
namespace noisett::storage::azure {
class AzureClient;
}

namespace noisett::app {

struct AppOptions {
  const Clock* clock = nullptr;          // null: the system clock
  metrics::Registry* metrics = nullptr;  // null: metrics::Global(), what /metrics shows
  // Build the token checker (serve; tests of the API). It may start fetching signing keys.
  bool authenticator = false;
  // Replaces the configured generator (tests: a generator that misbehaves on purpose). Not owned.
  generate::Generator* generator = nullptr;
  // Create the store when it does not exist yet: `serve` (its first start) and `noisett init`.
  // Otherwise a missing store is refused (CheckStoreExists), so that a mistyped --data-dir is an
  // error rather than a new, empty store.
  bool create_store = false;
  // Only the catalog may be missing (and is created): catalog.rebuild, whose purpose is to make
  // a lost catalog again from the blob store, which must exist.
  bool create_catalog = false;
};

// Whether the store `config` names exists. It does when the data directory exists and so do the
// local parts of the configured back end: the local blob store's directory
// (ROOT/CONTAINER/blobs) and the SQLite catalog's file. An Azure container or a PostgreSQL
// database is not looked at here (it is remote; a wrong one fails with the back end's own error).
// `with_catalog` false: the catalog is not looked at. Errors: kNotFound "store_missing", naming
// what is missing and how to create it.
Status CheckStoreExists(const Config& config, bool with_catalog = true);

class App {
 public:
  // Opens everything `config` names. Errors: "store_missing" (see AppOptions::create_store), the
  // store's, the catalog's, the link keys', the lifecycle policy's, the generator's and the
  // identity settings' (each says which).
  static Result<std::unique_ptr<App>> Open(const Config& config, AppOptions options = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  const Config& config() const { return config_; }
  const Clock& clock() const { return *clock_; }
  metrics::Registry& metrics() { return *metrics_; }
  service::Service& service() { return *service_; }
  // The store, counting every operation on /metrics (noisett_blob_operations_total).
  storage::BlobStore& blobs();
  catalog::Catalog& catalog() { return *catalog_; }
  storage::LinkSigner& links() { return *links_; }
  // The signer of the links the server itself serves (/blobs); null on Azure, whose links point
  // at Azure.
  storage::LocalLinkSigner* local_links() { return local_links_; }
  // Null unless AppOptions::authenticator.
  auth::Authenticator* authenticator() { return authenticator_.get(); }
  generate::Generator& generator() { return *generator_; }
  // Starts running generation jobs from the catalog on this instance (serve; command mode for
  // `generate`); idempotent. StopJobRunner (and the destructor) gives their leases up, leaving
  // running jobs to be resumed (docs/generate.md).
  service::JobRunner& StartJobRunner();
  void StopJobRunner();
  // True when Noisett applies the lifecycle policy itself (the local store), so `serve` sweeps.
  bool applies_lifecycle() const { return local_store_ != nullptr; }
  const std::string& container() const { return container_; }
  // Where local links point (NOISETT_PUBLIC_URL, else http://LISTEN).
  const std::string& public_url() const { return public_url_; }
  // The Azure blob endpoint SAS links point at; "" for the local store.
  const std::string& store_url() const { return store_url_; }
  // "file:///.../blobs (container noisett-storage), sqlite://..." for the start-up log (no
  // passwords).
  const std::string& description() const { return description_; }

 private:
  App(const Config& config, const AppOptions& options);
  Status OpenLocalStore();
  Status OpenAzureStore();
  // SQLite for sqlite:// (and the default), PostgreSQL for postgresql:// and postgres://.
  Status OpenCatalog();
  Status OpenService();

  Config config_;
  const Clock* clock_;
  metrics::Registry* metrics_;
  std::string public_url_;
  std::unique_ptr<storage::azure::AzureClient> azure_;  // outlives the store and signer over it
  std::unique_ptr<storage::BlobStore> raw_blobs_;
  std::unique_ptr<storage::InstrumentedBlobStore> blobs_;  // over raw_blobs_; everyone uses this
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<storage::LinkSigner> links_;
  storage::LocalLinkSigner* local_links_ = nullptr;  // links_ when it is the local signer
  storage::LocalBlobStore* local_store_ = nullptr;   // raw_blobs_ when it is the local store
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<generate::Generator> owned_generator_;
  generate::Generator* generator_ = nullptr;
  UlidSource job_ids_;
  std::unique_ptr<service::Service> service_;
  std::unique_ptr<service::JobRunner> runner_;  // stopped before the service goes
  std::string container_;
  std::string store_url_;
  std::string description_;
};

// The policy lifecycle.run applies and lifecycle.export prints for `container`: the file
// NOISETT_LIFECYCLE_POLICY names (checked as Azure would), else the one made from the retention
// days. Errors: "bad_policy", the file's read errors.
Result<lifecycle::Policy> LoadLifecyclePolicy(const BackendConfig& config,
                                              std::string_view container);

}  // namespace noisett::app
