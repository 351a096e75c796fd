// users.set_tier as a typed operation: an administrator changes a user's subscription tier, and
// every blob of the user is re-tagged, since retention follows the blob index tag.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "catalog/catalog.h"
#include "service/user_tiers.h"
#include "storage/blob_store.h"

namespace noisett::service {

struct SetTierRequest {
  std::string user_id;  // [A-Za-z0-9_-]{1,64}
  std::string tier;     // free, basic, pro, enterprise
};

struct TierChange {
  std::string user_id;
  std::string tier;
  std::string previous_tier;
  RetagReport retag;
};

// `progress` hears (blobs checked, 0). Errors: kInvalidArgument "bad_input" for a user id or tier
// of the wrong form; kNotFound "user_not_found"; the store's listing errors (single blobs that
// fail are counted in the report: running it again retries them).
Result<TierChange> SetUserTier(catalog::Catalog& catalog, storage::BlobStore& blobs,
                               const SetTierRequest& request,
                               const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace noisett::service
