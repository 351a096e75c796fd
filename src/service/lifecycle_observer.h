// Keeps the catalog consistent with what the lifecycle sweeper does to the blobs (the local
// store only; on Azure, Azure applies the policy and Noisett is not told). The rules:
//   - an image blob moved to another tier: the image's access_tier follows;
//   - an image blob deleted by retention: the image leaves the job (and favorites) and the job's
//     metadata.json is rewritten, or, when no image of the job is left, the whole job is
//     soft-deleted (with its remaining blobs), so history.restore brings it back inside the
//     soft-delete window;
//   - blobs purged after the window: the soft-deleted job they belong to, past its restore window,
//     is purged from the catalog (blobs of images removed earlier leave a live job alone).
// Deletions are settled per job once the pass has moved past it (the sweeper lists in name order,
// so a job's blobs come together): all images of a job due the same day leave as one job, not
// one by one. Thumbnails and metadata.json follow their images; other names are ignored.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lifecycle/sweeper.h"
#include "service/history.h"

namespace noisett::service {

// generated/{user}/{job}/{file} with valid ids and a file a job holds; image_index is set for
// image_{i}.* (not for thumbnails or metadata.json).
struct JobBlobName {
  std::string user_id;
  std::string job_id;
  std::string file;
  std::optional<int> image_index;
};
std::optional<JobBlobName> ParseJobBlobName(std::string_view name);

// The catalog's spelling of a tier (ImageRecord::access_tier): "hot", "cool", "cold", "archive".
std::string CatalogTierName(storage::AccessTier tier);

class CatalogSweepObserver final : public lifecycle::SweepObserver {
 public:
  explicit CatalogSweepObserver(const JobLifeDeps& deps) : deps_(deps) {}

  void OnTierChanged(std::string_view name, storage::AccessTier tier) override;
  void OnDeleted(std::string_view name, int64_t now) override;
  void OnPurged(const std::vector<std::string>& names) override;

  // Settles the last job with pending deletions; call once the pass is over.
  void Finish();
  // "user/job: what failed" for each catalog change that could not be made.
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  struct PendingJob {
    std::string user_id;
    std::string job_id;
    std::set<int> deleted_images;
    bool metadata_deleted = false;
    int64_t now = 0;
  };

  void Settle(const PendingJob& job);
  void RemoveImages(const PendingJob& pending, const catalog::Generation& job);
  void RewriteMetadata(const PendingJob& pending);
  bool ImageBlobLive(const catalog::ImageRecord& image);
  void Fail(const std::string& user, const std::string& job, const Error& error);

  const JobLifeDeps& deps_;
  std::optional<PendingJob> pending_;
  std::vector<std::string> errors_;
};

}  // namespace noisett::service
