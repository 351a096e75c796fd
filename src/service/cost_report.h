// cost.estimate as a typed operation: what the store holds now, priced per tier, plus the
// operations and egress this process has counted, and optionally the design document's projection
// for N users.
#pragma once

#include <cstdint>
#include <optional>

#include "core/metrics.h"
#include "lifecycle/cost.h"
#include "lifecycle/retention.h"
#include "lifecycle/usage.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct CostDeps {
  storage::BlobStore& blobs;
  metrics::Registry& metrics;  // blob operations and egress counted so far
  const lifecycle::RetentionConfig& retention;
  int64_t counting_since = 0;  // when this process started counting
};

struct CostRequest {
  lifecycle::Prices prices;
  std::optional<lifecycle::Projection> projection;
};

struct MeasuredCost {
  lifecycle::StoreUsage usage;  // under generated/
  lifecycle::CostEstimate estimate;
  int64_t counting_since = 0;
};

struct ProjectedCost {
  lifecycle::Projection projection;
  lifecycle::ProjectedMonth month;
  lifecycle::CostEstimate estimate;
};

struct CostReport {
  lifecycle::Prices prices;
  MeasuredCost measured;
  std::optional<ProjectedCost> projected;
};

// Errors: the store's listing errors.
Result<CostReport> EstimateCost(const CostDeps& deps, const CostRequest& request);

}  // namespace noisett::service
