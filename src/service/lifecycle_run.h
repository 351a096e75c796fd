// One lifecycle pass over the service's store with the catalog kept in step: what
// `lifecycle.run`, `noisett lifecycle.run` (with a progress bar) and the periodic sweep of
// `noisett serve` (NOISETT_LIFECYCLE_INTERVAL) all call. Local store only: on Azure, Azure applies
// the policy itself (deps.purge_expired is empty there and the run is refused).
#pragma once

#include <cstdint>
#include <functional>

#include <nlohmann/json.hpp>

#include "lifecycle/sweeper.h"
#include "service/service.h"

namespace noisett::service {

// Sweeps deps.blobs with deps.config.policy at deps.clock's now; soft-deleted blobs are purged
// after config.soft_delete_days. One pass at a time per process.
// Errors: kUnsupported "lifecycle_on_azure" (no purge_expired: Azure applies the policy);
// kConflict "lifecycle_running" (another pass is under way); the sweeper's listing error.
Result<lifecycle::SweepSummary> RunLifecycle(ServiceDeps& deps, bool dry_run,
                                             std::function<void(int64_t, int64_t)> progress = {});

// {dry_run, scanned, actions:{name:{count,bytes}}, tiers:{Hot:{count,bytes},...}, errors:[...]}
nlohmann::json SweepSummaryJson(const lifecycle::SweepSummary& summary);

}  // namespace noisett::service
