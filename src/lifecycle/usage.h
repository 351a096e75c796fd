// What the store actually holds, per access tier: the input of cost.estimate and of the
// used-capacity gauges on /metrics. Counts every version and soft-deleted blob too, as Azure's
// UsedCapacity (and its bill) does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "storage/blob_store.h"

namespace noisett::lifecycle {

struct TierUsage {
  int64_t blobs = 0;
  uint64_t bytes = 0;
};

struct StoreUsage {
  std::map<storage::AccessTier, TierUsage> tiers;  // every tier present, zeros included
  uint64_t total_bytes() const;
};

// Lists everything under `prefix` (versions and soft-deleted blobs included).
// Errors: the store's listing errors.
Result<StoreUsage> ScanUsage(storage::BlobStore& store, std::string_view prefix = "");

}  // namespace noisett::lifecycle
