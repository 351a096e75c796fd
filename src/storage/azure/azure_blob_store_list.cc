// AzureBlobStore's listings: List Blobs pages (List), every version of one name (ListVersions),
// and Find Blobs by Tags in the container (FindByTags). The XML itself is azure_blob_xml.cc's.
#include <algorithm>

#include "storage/azure/azure_blob_store.h"
#include "storage/azure/azure_blob_store_internal.h"
#include "storage/azure/azure_blob_xml.h"

namespace noisett::storage::azure {
namespace {

constexpr size_t kMaxListResults = 5000;
// Azure may answer a page with no items and a NextMarker (a timeout on its side); following a
// few keeps BlobStore's promise that only the last page can be empty, without looping forever.
constexpr int kMaxEmptyPages = 20;

std::string IncludeOf(const ListOptions& options) {
  std::string include;
  auto add = [&include](const char* what) {
    if (!include.empty()) include += ',';
    include += what;
  };
  if (options.include_deleted) add("deleted");
  if (options.include_tags) add("tags");
  if (options.include_versions) add("versions");
  return include;
}

}  // namespace

Result<ListPage> AzureBlobStore::List(const ListOptions& options) {
  if (options.max_results == 0 || options.max_results > kMaxListResults) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "InvalidQueryParameterValue",
                                "max_results must be 1..5000"));
  }
  std::string marker = options.continuation;
  for (int page_number = 0;; ++page_number) {
    AzureRequest request;
    request.path = "/" + client_.config().container;
    request.query = {{"restype", "container"}, {"comp", "list"}};
    if (!options.prefix.empty()) request.query.emplace_back("prefix", options.prefix);
    if (!marker.empty()) request.query.emplace_back("marker", marker);
    request.query.emplace_back("maxresults", std::to_string(options.max_results));
    if (const std::string include = IncludeOf(options); !include.empty()) {
      request.query.emplace_back("include", include);
    }
    auto response = client_.Send(request);
    if (!response) return Unexpected(StoreError(response.error()));
    auto parsed = ParseBlobList(response->body);
    if (!parsed) return Unexpected(parsed.error());
    if (parsed->items.empty() && !parsed->next_marker.empty() && page_number < kMaxEmptyPages) {
      marker = parsed->next_marker;
      continue;
    }
    ListPage page;
    page.items = std::move(parsed->items);
    page.continuation = std::move(parsed->next_marker);
    return page;
  }
}

Result<std::vector<BlobProperties>> AzureBlobStore::ListVersions(std::string_view name) {
  if (auto valid = ValidateBlobName(name); !valid) return Unexpected(valid.error());
  // The prefix also matches "name2" and "name/x"; those are filtered out below.
  ListOptions options;
  options.prefix = std::string(name);
  options.include_versions = true;
  std::vector<BlobProperties> versions;
  do {
    auto page = List(options);
    if (!page) return Unexpected(page.error());
    for (BlobProperties& item : page->items) {
      if (item.name == name) versions.push_back(std::move(item));
    }
    options.continuation = page->continuation;
  } while (!options.continuation.empty());
  // Oldest first, the current one last (version ids are timestamps, so they sort as text).
  std::stable_sort(versions.begin(), versions.end(),
                   [](const BlobProperties& a, const BlobProperties& b) {
                     if (a.is_current_version != b.is_current_version) return b.is_current_version;
                     return a.version_id < b.version_id;
                   });
  // As LocalBlobStore: a deleted blob (only previous versions left) has no versions to show.
  if (versions.empty() || !versions.back().is_current_version) {
    return Unexpected(
        MakeError(ErrorCode::kNotFound, std::string(reason::kBlobNotFound), "no such blob"));
  }
  return versions;
}

Result<std::vector<std::string>> AzureBlobStore::FindByTags(std::string_view where) {
  std::vector<std::string> names;
  std::string marker;
  do {
    AzureRequest request;
    request.path = "/" + client_.config().container;
    request.query = {{"restype", "container"}, {"comp", "blobs"}, {"where", std::string(where)}};
    if (!marker.empty()) request.query.emplace_back("marker", marker);
    auto response = client_.Send(request);
    if (!response) return Unexpected(StoreError(response.error()));
    auto parsed = ParseFoundBlobs(response->body);
    if (!parsed) return Unexpected(parsed.error());
    for (std::string& found : parsed->names) names.push_back(std::move(found));
    marker = std::move(parsed->next_marker);
  } while (!marker.empty());
  return names;
}

}  // namespace noisett::storage::azure
