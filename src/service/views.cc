// Jobs and images with their links.
#include "service/views.h"

namespace noisett::service {

Result<ImageLinks> LinksForImage(const LinkIssuer& links, const catalog::ImageRecord& image) {
  auto full = links.ForListing(image.blob_path);
  if (!full) return Unexpected(full.error());
  auto thumb = links.ForListing(image.thumbnail_path);
  if (!thumb) return Unexpected(thumb.error());
  return ImageLinks{std::move(*full), std::move(*thumb)};
}

Result<GenerationView> ViewWithLinks(const LinkIssuer& links, catalog::Generation job) {
  GenerationView view;
  view.links.reserve(job.images.size());
  for (const catalog::ImageRecord& image : job.images) {
    auto signed_links = LinksForImage(links, image);
    if (!signed_links) return Unexpected(signed_links.error());
    view.links.push_back(std::move(*signed_links));
  }
  view.job = std::move(job);
  return view;
}

const catalog::ImageRecord* FindImage(const catalog::Generation& job, int index) {
  for (const catalog::ImageRecord& image : job.images) {
    if (image.index == index) return &image;
  }
  return nullptr;
}

}  // namespace noisett::service
