// BlobStore over Azure Blob Storage (REST through AzureClient). What the interface asks for maps
// onto single REST calls: Put Blob (x-ms-tags, x-ms-access-tier, Cache-Control), Get Blob (Range),
// Get Blob Properties, Delete Blob, Undelete Blob, List Blobs (prefix, marker, include=metadata,
// tags, deleted, versions), Set Blob Tier, Set/Get Blob Tags, Copy Blob from a version
// (RestoreVersion). Versioning and soft delete are the account's settings (deploy/azure/setup.sh);
// without them ListVersions has only the current version and Undelete fails as Azure answers.
// Get and GetProperties fill what the response headers carry: no tags (Azure sends only a count;
// List with include_tags and GetTags have them), and Get reports no tier (Get Blob omits it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/azure/azure_client.h"
#include "storage/blob_store.h"

namespace noisett::storage::azure {

class AzureBlobStore final : public BlobStore {
 public:
  // Does no I/O; CheckReady() reaches the container. `client` must outlive the store.
  explicit AzureBlobStore(AzureClient& client);

  // Creates the container when it does not exist (Azurite, first runs); 409 ContainerAlreadyExists
  // is success.
  Status EnsureContainer();

  Result<BlobProperties> Put(std::string_view name, std::string_view bytes,
                             const PutOptions& options) override;
  // Always reads the bytes (ReadAs::kFile too): there is no local file to hand out.
  Result<BlobData> Get(std::string_view name, std::optional<ByteRange> range = {},
                       ReadAs as = ReadAs::kBytes) override;
  Result<BlobProperties> GetProperties(std::string_view name) override;
  Status Delete(std::string_view name) override;
  Status Undelete(std::string_view name) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status SetTier(std::string_view name, AccessTier tier,
                 RehydratePriority priority = RehydratePriority::kStandard) override;
  Status SetTags(std::string_view name, const Tags& tags) override;
  Result<Tags> GetTags(std::string_view name);
  // Find Blobs by Tags in this container: `where` in Azure's syntax ("\"tier\" = 'free'").
  Result<std::vector<std::string>> FindByTags(std::string_view where);
  Result<std::vector<BlobProperties>> ListVersions(std::string_view name) override;
  Status RestoreVersion(std::string_view name, std::string_view version_id) override;
  Status DeleteVersion(std::string_view name, std::string_view version_id) override;
  // Delete Blob, then Delete Blob of `version_id`: with versioning on, Delete alone would keep the
  // failed write as a previous version. Soft delete still keeps both for its retention (Azure has
  // no space to run out of). An empty version id (no versioning, as on Azurite) is Delete alone.
  Status Discard(std::string_view name, std::string_view version_id) override;
  Status CheckReady() override;
  std::string Describe() const override;  // "azure://ACCOUNT/CONTAINER (https://...)"

 private:
  AzureClient& client_;
};

}  // namespace noisett::storage::azure
