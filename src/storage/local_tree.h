// How LocalBlobStore maps blob names onto its directory tree, and the walk that finds them again:
// "a/b/c" lives in the directory a/b/c@ (see local_blob_store.h for the whole layout). Walks open
// every directory with O_NOFOLLOW, so a symlink planted in the tree is never entered.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::storage {

inline constexpr char kBlobDirSuffix = '@';
inline constexpr const char* kMetaFileName = "meta.json";

// ValidateBlobName plus this store's own limit: a segment must fit NAME_MAX with the '@'.
Status ValidateLocalBlobName(std::string_view name);

// The directory components of a valid name's blob directory: "a/b" → {"a", "b@"}.
std::vector<std::string> BlobDirSegments(std::string_view name);

// The names of every blob directory under `blobs_dir` whose name starts with `prefix`, sorted.
// Directories are listed whether or not they hold a committed meta.json. A prefix that no valid
// name can have yields nothing.
Result<std::vector<std::string>> CollectBlobNames(int blobs_dir, std::string_view prefix);

}  // namespace noisett::storage
