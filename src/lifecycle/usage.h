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
  // What Azure bills: bytes, with each blob under the tier's minimum billable size counted as
  // that minimum (cost.h BillableBytes); `small_blobs` of them were raised to it.
  uint64_t billable_bytes = 0;
  int64_t small_blobs = 0;
};

struct StoreUsage {
  std::map<storage::AccessTier, TierUsage> tiers;  // every tier present, zeros included
  // The renditions among them, by class ("avif 256": core/blob_paths.h RenditionClassOf), all
  // tiers together; billable_bytes as if they were in cool.
  std::map<std::string, TierUsage> renditions;
  uint64_t total_bytes() const;
};

// Lists everything under `prefix` (versions and soft-deleted blobs included); a cool, cold or
// archive blob under `min_billable_bytes` is billed as that many (0: as it is).
// Errors: the store's listing errors.
Result<StoreUsage> ScanUsage(storage::BlobStore& store, std::string_view prefix = "",
                             uint64_t min_billable_bytes = 0);

}  // namespace noisett::lifecycle
