// Name ⇄ directory mapping and the sorted walk used by List, PurgeExpired and the clean-up at open.
#include "storage/local_tree.h"

#include <algorithm>

#include "storage/blob_store.h"
#include "storage/local_fs.h"

namespace noisett::storage {
namespace {

constexpr size_t kMaxLocalSegment = 254;  // NAME_MAX (255) minus the '@'

std::vector<std::string> SplitSegments(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      return out;
    }
    out.emplace_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Appends the blobs below `dir` (whose names begin with `name_so_far`); at the top of the walk
// only entries whose segment starts with `leaf` can match the prefix.
Status Collect(int dir, const std::string& name_so_far, std::string_view leaf,
               std::vector<std::string>* out) {
  auto entries = local_fs::ListDir(dir);
  if (!entries) return Unexpected(entries.error());
  for (const local_fs::DirEntry& entry : *entries) {
    // Symlinks and files (temp files, strays) are never part of the name tree.
    if (entry.kind != local_fs::EntryKind::kDirectory || !StartsWith(entry.name, leaf)) continue;
    const bool is_blob = entry.name.back() == kBlobDirSuffix;
    const std::string segment = is_blob ? entry.name.substr(0, entry.name.size() - 1) : entry.name;
    // Something an operator dropped in by hand is not a blob, nor a way to reach one.
    if (!ValidateBlobName(segment)) continue;
    if (is_blob) {
      out->push_back(name_so_far + segment);
      continue;
    }
    auto child = local_fs::OpenDir(dir, entry.name);
    if (!child) continue;  // replaced by a symlink or removed since the listing: not ours
    auto collected = Collect(child->get(), name_so_far + entry.name + "/", "", out);
    if (!collected) return collected;
  }
  return Ok();
}

}  // namespace

Status ValidateLocalBlobName(std::string_view name) {
  auto valid = ValidateBlobName(name);
  if (!valid) return valid;
  // Segment lengths, without copying them (every read checks its name).
  for (size_t start = 0; start <= name.size();) {
    const size_t slash = std::min(name.find('/', start), name.size());
    if (slash - start > kMaxLocalSegment) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidBlobName",
                                  "a segment is longer than 254 characters (local store limit)"));
    }
    start = slash + 1;
  }
  return Ok();
}

std::vector<std::string> BlobDirSegments(std::string_view name) {
  std::vector<std::string> segments = SplitSegments(name);
  segments.back().push_back(kBlobDirSuffix);
  return segments;
}

Result<std::vector<std::string>> CollectBlobNames(int blobs_dir, std::string_view prefix) {
  // The prefix's complete segments name a directory to start from; the rest filters its entries.
  const size_t last_slash = prefix.rfind('/');
  std::vector<std::string> dirs;
  std::string name_so_far;
  std::string_view leaf = prefix;
  if (last_slash != std::string_view::npos) {
    const std::string_view dir_part = prefix.substr(0, last_slash);
    // A directory part that is not a valid name can match no blob, and must not become a path.
    if (!ValidateBlobName(dir_part)) return std::vector<std::string>{};
    dirs = SplitSegments(dir_part);
    name_so_far = std::string(prefix.substr(0, last_slash + 1));
    leaf = prefix.substr(last_slash + 1);
  }
  std::vector<std::string> names;
  auto start = local_fs::WalkDirs(blobs_dir, dirs);
  if (!start) {
    if (start.error().code == ErrorCode::kUnavailable) return Unexpected(start.error());
    return names;  // missing, or not a plain directory: nothing stored under this prefix
  }
  auto collected = Collect(start->get(), name_so_far, leaf, &names);
  if (!collected) return Unexpected(collected.error());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace noisett::storage
