// LocalBlobStore::List: a sorted walk of the name tree under the prefix, then one record read per
// candidate until the page is full. The continuation token is "<name>@<version id>" of the last
// item returned; '@' cannot occur in a name, so it splits unambiguously. Callers treat it as
// opaque; it is only ever compared with names, never turned into a path.
#include <algorithm>

#include "core/log.h"
#include "storage/local_blob_store.h"
#include "storage/local_tree.h"

namespace noisett::storage {
namespace {

constexpr size_t kMaxListResults = 5000;

struct Marker {
  std::string name;
  std::string version_id;
};

std::string EncodeMarker(const BlobProperties& last) {
  return last.name + kBlobDirSuffix + last.version_id;
}

Marker DecodeMarker(std::string_view token) {
  const size_t at = token.find(kBlobDirSuffix);
  if (at == std::string_view::npos) return Marker{std::string(token), ""};
  return Marker{std::string(token.substr(0, at)), std::string(token.substr(at + 1))};
}

// True when `item` was on an earlier page. Without versions a name appears once, so the marker's
// name alone decides; with versions, the versions up to the marker's are done.
bool AlreadyListed(const BlobProperties& item, const Marker& marker, bool include_versions) {
  if (item.name != marker.name) return item.name < marker.name;
  return !include_versions || item.version_id <= marker.version_id;
}

}  // namespace

std::vector<BlobProperties> LocalBlobStore::ListItemsOf(const std::string& name,
                                                        const ListOptions& options) const {
  auto dir = OpenBlobDir(name);
  if (!dir) return {};  // removed since the walk
  auto text = local_fs::ReadWholeFile(dir->get(), kMetaFileName);
  if (!text) return {};  // not committed yet (a first write in progress) or just purged
  auto record = ParseRecord(*text);
  if (!record) {
    // One damaged record must not make the whole container unlistable.
    LogWarn("storage: skipping blob with unreadable meta.json in listing: " +
            record.error().ToString());
    return {};
  }
  if (record->deleted && (!options.include_deleted || Expired(*record))) return {};
  std::vector<BlobProperties> items;
  const size_t last = record->versions.size() - 1;
  for (size_t i = options.include_versions ? 0 : last; i <= last; ++i) {
    items.push_back(PropertiesOf(name, *record, i));
    if (!options.include_tags) items.back().tags.clear();
  }
  return items;
}

Result<ListPage> LocalBlobStore::List(const ListOptions& options) {
  if (options.max_results == 0 || options.max_results > kMaxListResults) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidQueryParameterValue",
                                "max_results must be 1..5000"));
  }
  auto names = CollectBlobNames(blobs_.get(), options.prefix);
  if (!names) return Unexpected(names.error());
  const bool resuming = !options.continuation.empty();
  const Marker marker = DecodeMarker(options.continuation);
  auto it = resuming ? std::lower_bound(names->begin(), names->end(), marker.name) : names->begin();
  ListPage page;
  for (; it != names->end(); ++it) {
    for (BlobProperties& item : ListItemsOf(*it, options)) {
      if (resuming && AlreadyListed(item, marker, options.include_versions)) continue;
      // Only a further visible item proves there is a next page; so no empty last page.
      if (page.items.size() == options.max_results) {
        page.continuation = EncodeMarker(page.items.back());
        return page;
      }
      page.items.push_back(std::move(item));
    }
  }
  return page;
}

}  // namespace noisett::storage
