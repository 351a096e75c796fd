#include "lifecycle/usage.h"

namespace noisett::lifecycle {

uint64_t StoreUsage::total_bytes() const {
  uint64_t total = 0;
  for (const auto& [tier, usage] : tiers) total += usage.bytes;
  return total;
}

Result<StoreUsage> ScanUsage(storage::BlobStore& store, std::string_view prefix) {
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
  auto listed = storage::ForEachListed(store, options, [&usage](storage::BlobProperties& blob) {
    auto& tier = usage.tiers[blob.tier];
    tier.blobs += 1;
    tier.bytes += blob.size;
  });
  if (!listed) return Unexpected(listed.error());
  return usage;
}

}  // namespace noisett::lifecycle
