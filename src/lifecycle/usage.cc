#include "lifecycle/usage.h"

#include "core/blob_paths.h"
#include "lifecycle/cost.h"

namespace noisett::lifecycle {

uint64_t StoreUsage::total_bytes() const {
  uint64_t total = 0;
  for (const auto& [tier, usage] : tiers) total += usage.bytes;
  return total;
}

Result<StoreUsage> ScanUsage(storage::BlobStore& store, std::string_view prefix,
                             uint64_t min_billable_bytes) {
  StoreUsage usage;
  for (auto tier : {storage::AccessTier::kHot, storage::AccessTier::kCool,
                    storage::AccessTier::kCold, storage::AccessTier::kArchive}) {
    usage.tiers[tier] = {};
  }
  storage::ListOptions options;
  options.prefix = std::string(prefix);
  options.include_deleted = true;
  options.include_versions = true;
  options.max_results = 5000;
  auto listed = storage::ForEachListed(store, options, [&](storage::BlobProperties& blob) {
    auto& tier = usage.tiers[blob.tier];
    tier.blobs += 1;
    tier.bytes += blob.size;
    const uint64_t billed = BillableBytes(blob.tier, blob.size, min_billable_bytes);
    tier.billable_bytes += billed;
    if (billed > blob.size) tier.small_blobs += 1;
    if (std::string rendition = RenditionClassOf(blob.name); !rendition.empty()) {
      auto& r = usage.renditions[rendition];
      r.blobs += 1;
      r.bytes += blob.size;
      const uint64_t cool = BillableBytes(storage::AccessTier::kCool, blob.size, min_billable_bytes);
      r.billable_bytes += cool;
      if (cool > blob.size) r.small_blobs += 1;
    }
  });
  if (!listed) return Unexpected(listed.error());
  return usage;
}

}  // namespace noisett::lifecycle
