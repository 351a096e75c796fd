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

std::string RenditionPath(const catalog::ImageRecord& image, const catalog::Rendition& rendition) {
  const std::string_view dir(image.blob_path.data(), image.blob_path.rfind('/') + 1);
  return std::string(dir) + RenditionFileName(image.index, rendition.size, rendition.format);
}

std::vector<std::string> JobBlobPaths(const catalog::Generation& job) {
  std::vector<std::string> paths;
  for (const catalog::ImageRecord& image : job.images) {
    paths.push_back(image.blob_path);
    paths.push_back(image.thumbnail_path);
    for (const catalog::Rendition& r : image.renditions) paths.push_back(RenditionPath(image, r));
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
