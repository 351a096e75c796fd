// Signed and CDN links for one blob, and records with their links.
#include "service/links.h"

#include "storage/cdn.h"

namespace noisett::service {

LinkIssuer::LinkIssuer(storage::LinkSigner& signer, std::string container, std::string cdn_base,
                       const Clock& clock, int64_t listing_ttl_s)
    : signer_(signer),
      container_(std::move(container)),
      cdn_base_(std::move(cdn_base)),
      clock_(clock),
      listing_ttl_s_(listing_ttl_s) {}

std::string IsoTime(int64_t seconds) { return storage::FormatIsoUtc(seconds); }

Result<SignedLinks> LinkIssuer::Issue(const std::string& blob_path, int64_t ttl_s) const {
  const int64_t expires_at = clock_.NowSeconds() + ttl_s;
  auto link = signer_.Sign(container_, blob_path, expires_at);
  if (!link) return Unexpected(link.error());
  SignedLinks out{std::move(link->url), std::nullopt, IsoTime(link->expires_at)};
  if (cdn_base_.empty()) return out;
  auto cdn = storage::CdnUrl(cdn_base_, container_, blob_path);
  if (!cdn) return Unexpected(cdn.error());
  out.cdn = std::move(*cdn);
  return out;
}

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

}  // namespace noisett::service
