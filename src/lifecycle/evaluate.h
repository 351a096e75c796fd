// What a policy does to one blob now, following Azure's documented rules: filters must all match
// (prefixMatch against CONTAINER/NAME, blobIndexMatch against the blob's tags, blobTypes:
// every blob of ours is a block blob); of every action whose age condition holds across all
// enabled rules, the cheapest wins: delete, then tierToArchive, then tierToCold, then tierToCool.
// A tier action never moves a blob to a warmer tier, and one that would leave the tier unchanged
// is no action. Ages are whole days: an action with N days applies once age > N * 86400 s.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lifecycle/policy.h"
#include "storage/blob_store.h"

namespace noisett::lifecycle {

struct Decision {
  ActionKind kind = ActionKind::kDelete;
  std::optional<storage::AccessTier> tier;  // for tier actions
  std::string rule;                         // the name of the rule that decided
};

// A current (base) blob: its tags, last_modified, created, tier and tier_changed. The local
// store does not track last access time, so kLastAccess ages from last_modified (Azure's
// behaviour for a blob not read since tracking was enabled).
std::optional<Decision> EvaluateBaseBlob(const Policy& policy, std::string_view container,
                                         const storage::BlobProperties& blob, int64_t now);

// A previous version (is_current_version false): version actions, age from the version's
// creation (its last_modified: the instant that content was written). Tag filters never match a
// previous version (Azure's blob index holds current versions only).
std::optional<Decision> EvaluateVersion(const Policy& policy, std::string_view container,
                                        const storage::BlobProperties& version, int64_t now);

}  // namespace noisett::lifecycle
