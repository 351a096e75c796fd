// The image operations.
#include "service/images.h"

#include "catalog/reasons.h"
#include "service/lifecycle_observer.h"
#include "service/links.h"

namespace noisett::service {
namespace {

Error ImageNotFound() {
  return MakeError(ErrorCode::kNotFound, std::string(catalog::reason::kImageNotFound),
                   "the job has no image with this index");
}

// The tier `path` is in now; what the store says about the image itself is recorded. If the
// store cannot say, the catalog's last view stands.
std::string SeenTier(catalog::Catalog& catalog, storage::BlobStore& blobs, const auth::User& caller,
                     const std::string& job_id, const catalog::ImageRecord& image,
                     const std::string& path) {
  auto props = blobs.GetProperties(path);
  if (!props) return image.access_tier;
  const std::string tier = CatalogTierName(props->tier);
  if (path == image.blob_path && tier != image.access_tier) {
    (void)catalog.SetImageTier(caller.user_id, job_id, image.index, tier);
  }
  return tier;
}

// Sets an archived blob back to hot; a blob already online (or already on its way back) is left
// alone. Answers the blob's properties afterwards.
Result<storage::BlobProperties> BringOnline(storage::BlobStore& blobs, const std::string& path) {
  auto props = blobs.GetProperties(path);
  if (!props) return props;
  if (props->tier != storage::AccessTier::kArchive || !props->archive_status.empty()) {
    return props;
  }
  if (auto ok = blobs.SetTier(path, storage::AccessTier::kHot, storage::RehydratePriority::kHigh);
      !ok) {
    return Unexpected(ok.error());
  }
  return blobs.GetProperties(path);
}

}  // namespace

Result<ImageUrl> GetImageUrl(catalog::Catalog& catalog, storage::BlobStore& blobs,
                             const LinkIssuer& links, const auth::User& caller,
                             const ImageUrlRequest& request) {
  auto job = catalog.GetGeneration(caller.user_id, request.job_id);
  if (!job) return Unexpected(job.error());
  const catalog::ImageRecord* image = catalog::FindImage(*job, request.image_index);
  if (image == nullptr) return Unexpected(ImageNotFound());
  const std::string& path = request.thumbnail ? image->thumbnail_path : image->blob_path;
  auto signed_links = links.Issue(path, request.expiry_hours * 3600);
  if (!signed_links) return Unexpected(signed_links.error());
  return ImageUrl{std::move(*signed_links), request.job_id, request.image_index, request.thumbnail,
                  SeenTier(catalog, blobs, caller, request.job_id, *image, path)};
}

Result<ImagePage> ListImages(catalog::Catalog& catalog, const LinkIssuer& links,
                             const auth::User& caller, const catalog::PageRequest& page,
                             bool include_thumbnails) {
  auto listed = catalog.ListGenerations(caller.user_id, page);
  if (!listed) return Unexpected(listed.error());
  ImagePage out;
  for (const catalog::Generation& job : listed->items) {
    for (const catalog::ImageRecord& image : job.images) {
      for (const bool thumb : {false, true}) {
        if (thumb && !include_thumbnails) continue;
        auto signed_links = links.ForListing(thumb ? image.thumbnail_path : image.blob_path);
        if (!signed_links) return Unexpected(signed_links.error());
        out.images.push_back({job.job_id, job.created_at, image, thumb, std::move(*signed_links)});
      }
    }
  }
  out.next_cursor = std::move(listed->next_cursor);
  return out;
}

Result<Rehydration> RehydrateImage(catalog::Catalog& catalog, storage::BlobStore& blobs,
                                   const auth::User& caller, const RehydrateRequest& request) {
  auto job = catalog.GetGeneration(caller.user_id, request.job_id);
  if (!job) return Unexpected(job.error());
  const catalog::ImageRecord* image = catalog::FindImage(*job, request.image_index);
  if (image == nullptr) return Unexpected(ImageNotFound());
  auto props = BringOnline(blobs, image->blob_path);
  if (!props) return Unexpected(props.error());
  if (auto thumb = BringOnline(blobs, image->thumbnail_path);
      !thumb && thumb.error().code != ErrorCode::kNotFound) {
    return Unexpected(thumb.error());
  }
  const std::string tier = CatalogTierName(props->tier);
  if (tier != image->access_tier) {
    if (auto ok = catalog.SetImageTier(caller.user_id, request.job_id, request.image_index, tier);
        !ok) {
      return Unexpected(ok.error());
    }
  }
  return Rehydration{request.job_id, request.image_index, tier, props->archive_status};
}

Result<catalog::StorageTotals> StorageUse(catalog::Catalog& catalog, const auth::User& caller) {
  return catalog.Totals(caller.user_id);
}

}  // namespace noisett::service
