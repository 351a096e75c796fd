// Counting store operations.
#include "storage/instrumented_blob_store.h"

#include <iterator>

#include "core/metric_names.h"

namespace noisett::storage {
namespace {

constexpr std::string_view kOpNames[] = {
    "put",      "get",      "get_properties", "delete",          "undelete",      "list",
    "set_tier", "set_tags", "list_versions",  "restore_version", "delete_version"};
static_assert(std::size(kOpNames) == InstrumentedBlobStore::kOpCount);

}  // namespace

std::string_view InstrumentedBlobStore::OpName(Op op) { return kOpNames[op]; }

InstrumentedBlobStore::InstrumentedBlobStore(BlobStore& inner, metrics::Registry& registry)
    : inner_(inner), registry_(registry) {
  // The "ok" series exist (at 0) from the start, so rate() sees them before the first call.
  for (int op = 0; op < kOpCount; ++op) {
    ok_[op] =
        &registry_.GetCounter(metrics::names::kBlobOperations, metrics::names::kBlobOperationsHelp,
                              {{"op", std::string(kOpNames[op])}, {"result", "ok"}});
  }
}

template <typename R>
R InstrumentedBlobStore::Count(Op op, R result) {
  if (result) {
    ok_[op]->Inc();
  } else {
    // Failures are rare: the map lookup (under the registry's lock) costs nothing that matters.
    const std::string& reason = result.error().reason;
    registry_
        .GetCounter(metrics::names::kBlobOperations, metrics::names::kBlobOperationsHelp,
                    {{"op", std::string(kOpNames[op])},
                     {"result", reason.empty() ? std::string("error") : reason}})
        .Inc();
  }
  return result;
}

Result<BlobProperties> InstrumentedBlobStore::Put(std::string_view name, std::string_view bytes,
                                                  const PutOptions& options) {
  return Count(kPut, inner_.Put(name, bytes, options));
}

Result<BlobData> InstrumentedBlobStore::Get(std::string_view name, std::optional<ByteRange> range,
                                            ReadAs as) {
  return Count(kGet, inner_.Get(name, range, as));
}

Result<BlobProperties> InstrumentedBlobStore::GetProperties(std::string_view name) {
  return Count(kGetProperties, inner_.GetProperties(name));
}

Status InstrumentedBlobStore::Delete(std::string_view name) {
  return Count(kDelete, inner_.Delete(name));
}

Status InstrumentedBlobStore::Undelete(std::string_view name) {
  return Count(kUndelete, inner_.Undelete(name));
}

Result<ListPage> InstrumentedBlobStore::List(const ListOptions& options) {
  return Count(kList, inner_.List(options));
}

Status InstrumentedBlobStore::SetTier(std::string_view name, AccessTier tier,
                                      RehydratePriority priority) {
  return Count(kSetTier, inner_.SetTier(name, tier, priority));
}

Status InstrumentedBlobStore::SetTags(std::string_view name, const Tags& tags) {
  return Count(kSetTags, inner_.SetTags(name, tags));
}

Result<std::vector<BlobProperties>> InstrumentedBlobStore::ListVersions(std::string_view name) {
  return Count(kListVersions, inner_.ListVersions(name));
}

Status InstrumentedBlobStore::RestoreVersion(std::string_view name, std::string_view version_id) {
  return Count(kRestoreVersion, inner_.RestoreVersion(name, version_id));
}

Status InstrumentedBlobStore::DeleteVersion(std::string_view name, std::string_view version_id) {
  return Count(kDeleteVersion, inner_.DeleteVersion(name, version_id));
}

Status InstrumentedBlobStore::Discard(std::string_view name, std::string_view version_id) {
  return Count(kDelete, inner_.Discard(name, version_id));
}

}  // namespace noisett::storage
