// The service: the one place where auth, image, storage and catalog meet. It holds the narrow
// dependencies of each family of typed operations (built once from ServiceDeps) and the command
// registry whose thin JSON adapters HTTP and the CLI both call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/metrics.h"
#include "generate/generator.h"
#include "image/image_types.h"
#include "lifecycle/policy.h"
#include "lifecycle/retention.h"
#include "net/safe_fetch.h"
#include "service/command.h"
#include "service/cost_report.h"
#include "service/generate_images.h"
#include "service/generation_jobs.h"
#include "service/history.h"
#include "service/job_events.h"
#include "service/lifecycle_run.h"
#include "service/links.h"
#include "service/rendition_worker.h"
#include "service/list_answers.h"
#include "service/upload.h"
#include "service/user_tiers.h"
#include "storage/blob_store.h"
#include "storage/link_signer.h"

namespace noisett::service {

struct ServiceConfig {
  std::string container = "noisett-storage";  // AZURE_STORAGE_CONTAINER
  std::string cdn_base;                       // NOISETT_CDN_URL; empty: CDN links = signed links
  int64_t list_link_ttl_s = 24 * 3600;        // links inside history / favorites responses
  int64_t link_bucket_s = 3600;               // NOISETT_LINK_BUCKET: links stable this long
  size_t list_cache_bytes = 32 << 20;         // NOISETT_LIST_CACHE: reused list answers, at most
  int64_t soft_delete_days = 7;               // NOISETT_SOFT_DELETE_DAYS: restore window
  image::OptimizeOptions optimize;            // quality, sizes, upload limits
  std::string default_tier = "free";          // NOISETT_DEFAULT_TIER: a new user's subscription
  lifecycle::Policy policy;              // lifecycle.run applies it, lifecycle.export prints it
  lifecycle::RetentionConfig retention;  // NOISETT_RETENTION_DAYS: cost.estimate's projection
  net::ImportPolicy import;              // images.import: NOISETT_IMPORT_ALLOW / _HOSTS
  JobsConfig jobs;                       // generate's quotas, queue limit and wait limit
  // NOISETT_RENDITIONS: the renditions made of each stored image in the background; none: off.
  std::vector<image::RenditionSpec> renditions = image::DefaultRenditionSpecs();
};

// Everything the service's operations may use. References outlive the Service.
struct ServiceDeps {
  storage::BlobStore& blobs;
  catalog::Catalog& catalog;
  storage::LinkSigner& links;
  const Clock& clock;
  metrics::Registry& metrics;
  JobIdSource& job_ids;
  ServiceConfig config;
  // See LifecycleDeps::purge_expired: set only on the local store.
  std::function<Result<std::vector<storage::BlobProperties>>(bool dry_run)> purge_expired = {};
  // What `generate` runs (NOISETT_GENERATOR); null: generate refuses with "no_generator".
  generate::Generator* generator = nullptr;
};

class Service {
 public:
  explicit Service(ServiceDeps deps);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const CommandRegistry& registry() const { return registry_; }
  // The command's JSON answer, as text (CommandRegistry::Run).
  Result<std::string> Run(std::string_view command, const auth::User& user,
                          const CommandInput& input) const;

  // Store and catalog reachable (/readyz).
  Status CheckReady() const;

  // The typed operations' dependencies, for callers inside the process that need no JSON (the
  // periodic lifecycle sweep, the operator's lifecycle.run).
  const LifecycleDeps& lifecycle() const { return lifecycle_; }
  // Generation jobs: what the runner, the event streams and waiting callers use.
  const GenerateDeps& generate() const { return generate_; }
  const JobsDeps& jobs() const { return generation_jobs_; }
  JobEvents& job_events() { return job_events_; }
  // Makes renditions of stored images (rendition_worker.h); null when renditions are off. Not
  // started: `serve` starts it, the CLI drains it before exiting.
  RenditionWorker* renditions() { return renditions_.get(); }

  // The reused answers of history.list and favorites.list (for tests and metrics).
  const ListAnswers& list_answers() const { return list_answers_; }
  // Who hears that a job was queued (the job runner, once started); empty: nobody, the runner
  // finds it at its next tick.
  void SetJobWaker(std::function<void()> wake);

 private:
  ServiceDeps deps_;
  LinkIssuer links_;
  ListAnswers list_answers_;
  TierResolver tiers_;
  std::unique_ptr<RenditionWorker> renditions_;  // before upload_, which points at it
  UploadDeps upload_;
  GenerateDeps generate_;
  JobEvents job_events_;
  std::mutex waker_mu_;
  std::function<void()> waker_;
  JobsDeps generation_jobs_;
  JobLifeDeps jobs_;
  LifecycleDeps lifecycle_;
  CostDeps cost_;
  CommandRegistry registry_;
};

}  // namespace noisett::service
