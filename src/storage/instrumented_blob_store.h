// A BlobStore decorator that counts every operation by kind and result into
// noisett_blob_operations_total{op, result} (core/metric_names.h): result is "ok" or the store's
// error reason ("BlobNotFound", "BlobArchived", "StoreUnavailable", ...). The counts are what
// cost.estimate prices as operations and what /metrics shows; the store's behaviour is
// unchanged (every call and its result pass through as they are).
//
// op: put, get, get_properties, delete, undelete, list, set_tier, set_tags, list_versions,
// restore_version, delete_version. Discard counts as a delete: it is one (Azure bills Delete Blob,
// with or without a versionid, as a free operation). CheckReady and Describe are not counted
// (health probes are not billable work worth watching).
#pragma once

#include <array>
#include <string_view>

#include "core/metrics.h"
#include "storage/blob_store.h"

namespace noisett::storage {

class InstrumentedBlobStore final : public BlobStore {
 public:
  // `inner` and `registry` must outlive this store. Thread-safe as `inner` is.
  explicit InstrumentedBlobStore(BlobStore& inner, metrics::Registry& registry = metrics::Global());

  Result<BlobProperties> Put(std::string_view name, std::string_view bytes,
                             const PutOptions& options) override;
  Result<BlobData> Get(std::string_view name, std::optional<ByteRange> range,
                       ReadAs as = ReadAs::kBytes) override;
  Result<BlobProperties> GetProperties(std::string_view name) override;
  Status Delete(std::string_view name) override;
  Status Undelete(std::string_view name) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status SetTier(std::string_view name, AccessTier tier, RehydratePriority priority) override;
  Status SetTags(std::string_view name, const Tags& tags) override;
  Result<std::vector<BlobProperties>> ListVersions(std::string_view name) override;
  Status RestoreVersion(std::string_view name, std::string_view version_id) override;
  Status DeleteVersion(std::string_view name, std::string_view version_id) override;
  Status Discard(std::string_view name, std::string_view version_id) override;
  Status CheckReady() override { return inner_.CheckReady(); }
  std::string Describe() const override { return inner_.Describe(); }

  BlobStore& inner() { return inner_; }

  enum Op {
    kPut,
    kGet,
    kGetProperties,
    kDelete,
    kUndelete,
    kList,
    kSetTier,
    kSetTags,
    kListVersions,
    kRestoreVersion,
    kDeleteVersion,
    kOpCount
  };
  static std::string_view OpName(Op op);

 private:
  template <typename R>
  R Count(Op op, R result);

  BlobStore& inner_;
  metrics::Registry& registry_;
  std::array<metrics::Counter*, kOpCount> ok_{};  // the "ok" series, resolved once
};

}  // namespace noisett::storage
