// The sidecar record LocalBlobStore keeps for each blob (its "meta.json"): every version's
// properties, oldest first, plus the blob's creation time and soft-delete state. Pure: JSON in and
// out, and the mapping to the interface's BlobProperties. The file itself is written by the store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "storage/blob_store.h"

namespace noisett::storage {

struct VersionRecord {
  std::string version_id;  // also the name of the data file holding this version's bytes
  uint64_t size = 0;
  std::string content_type;
  std::string cache_control;
  std::string etag;
  int64_t last_modified = 0;
  AccessTier tier = AccessTier::kHot;
  int64_t tier_changed = 0;
  Tags tags;  // per version, as Azure's index tags with versioning on
};

struct BlobRecord {
  int64_t created = 0;
  bool deleted = false;
  int64_t deleted_at = 0;
  std::vector<VersionRecord> versions;  // never empty once committed; back() is current

  const VersionRecord& current() const { return versions.back(); }
  VersionRecord& current() { return versions.back(); }
};

std::string SerializeRecord(const BlobRecord& record);
// kInternal "StoreCorrupt" when the text is not a record this code wrote.
Result<BlobRecord> ParseRecord(std::string_view json);

// Properties of versions[index] of blob `name` (is_current_version when it is the last).
BlobProperties PropertiesOf(std::string_view name, const BlobRecord& record, size_t index);
// The same without tags, for a read that serves the blob (ReadAs::kFile): copying them costs a
// few allocations per signed-link GET, and no answer carries them.
BlobProperties PropertiesWithoutTagsOf(std::string_view name, const BlobRecord& record,
                                       size_t index);

}  // namespace noisett::storage
