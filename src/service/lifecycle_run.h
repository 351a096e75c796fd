// One lifecycle pass over the service's store with the catalog kept in step: what
// `lifecycle.run`, `noisett lifecycle.run` (with a progress bar) and the periodic sweep of
// `noisett serve` (NOISETT_LIFECYCLE_INTERVAL) all call. Local store only: on Azure, Azure applies
// the policy itself (deps.purge_expired is empty there and the run is refused).
#pragma once

#include <cstdint>
#include <functional>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "lifecycle/policy.h"
#include "lifecycle/sweeper.h"
#include "storage/blob_store.h"

namespace noisett::service {

// What a lifecycle pass touches. References outlive every call.
struct LifecycleDeps {
  storage::BlobStore& blobs;
  catalog::Catalog& catalog;
  const Clock& clock;
  metrics::Registry& metrics;  // actions and bytes per action (noisett_lifecycle_*)
  const lifecycle::Policy& policy;
  std::string container;
  int64_t soft_delete_days = 7;
  // Purges soft-deleted blobs past the store's window (LocalBlobStore::PurgeExpired; with
  // dry_run, only says what it would purge). Set only when Noisett applies the lifecycle policy
  // itself (the local store); empty on Azure, where Azure applies it and a run is refused.
  std::function<Result<std::vector<storage::BlobProperties>>(bool dry_run)> purge_expired;
};

// Sweeps deps.blobs with deps.policy at deps.clock's now; soft-deleted blobs are purged after
// soft_delete_days. One pass at a time per process.
// Errors: kUnsupported "lifecycle_on_azure" (no purge_expired: Azure applies the policy);
// kConflict "lifecycle_running" (another pass is under way); the sweeper's listing error.
Result<lifecycle::SweepSummary> RunLifecycle(const LifecycleDeps& deps, bool dry_run,
                                             std::function<void(int64_t, int64_t)> progress = {});

}  // namespace noisett::service
