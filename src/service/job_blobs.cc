// Job blob sets.
#include "service/job_blobs.h"

#include "core/blob_paths.h"

namespace noisett::service {
namespace {

// NotFound means the blob is already in the wanted state (deleted / not deleted).
Status IgnoreNotFound(Status s) {
  if (!s && s.error().code != ErrorCode::kNotFound) return s;
  return Ok();
}

}  // namespace

std::vector<std::string> JobBlobPaths(const catalog::Generation& job) {
  std::vector<std::string> paths;
  for (const catalog::ImageRecord& image : job.images) {
    paths.push_back(image.blob_path);
    paths.push_back(image.thumbnail_path);
  }
  paths.push_back(MetadataBlobPath(job.user_id, job.job_id));
  return paths;
}

Status DeleteJobBlobs(storage::BlobStore& blobs, const catalog::Generation& job) {
  for (const std::string& path : JobBlobPaths(job)) {
    if (auto ok = IgnoreNotFound(blobs.Delete(path)); !ok) return ok;
  }
  return Ok();
}

Status UndeleteJobBlobs(storage::BlobStore& blobs, const catalog::Generation& job) {
  for (const std::string& path : JobBlobPaths(job)) {
    if (auto ok = IgnoreNotFound(blobs.Undelete(path)); !ok) return ok;
  }
  return Ok();
}

}  // namespace noisett::service
