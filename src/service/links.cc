// Signed and CDN links for one blob, and records with their links.
#include "service/links.h"

#include "service/job_blobs.h"
#include "storage/cdn.h"

namespace noisett::service {

LinkIssuer::LinkIssuer(storage::LinkSigner& signer, std::string container, std::string cdn_base,
                       const Clock& clock, int64_t listing_ttl_s, int64_t bucket_s)
    : signer_(signer),
      container_(std::move(container)),
      cdn_base_(std::move(cdn_base)),
      clock_(clock),
      listing_ttl_s_(listing_ttl_s),
      bucket_s_(bucket_s) {}

std::string IsoTime(int64_t seconds) { return storage::FormatIsoUtc(seconds); }

Result<SignedLinks> LinkIssuer::Issue(const std::string& blob_path, int64_t ttl_s) const {
  const storage::LinkTerms terms =
      storage::BucketedLinkTerms(clock_.NowSeconds(), ttl_s, bucket_s_);
  const bool bucketed = bucket_s_ > 1;
  if (bucketed) {
    if (auto cached = cache_.Find(blob_path, terms.expires_at)) return std::move(*cached);
  }
  auto link = signer_.SignFor(container_, blob_path, terms);
  if (!link) return Unexpected(link.error());
  // A link the signer cut short (an Azure delegation key expiring first) is not kept: the next
  // call may get a longer one from a newer key.
  const bool whole = link->expires_at == terms.expires_at;
  SignedLinks out{std::move(link->url), std::nullopt, IsoTime(link->expires_at), whole};
  if (!cdn_base_.empty()) {
    auto cdn = storage::CdnUrl(cdn_base_, container_, blob_path);
    if (!cdn) return Unexpected(cdn.error());
    out.cdn = std::move(*cdn);
  }
  if (bucketed && whole) cache_.Store(blob_path, terms.expires_at, out);
  return out;
}

std::optional<int64_t> LinkIssuer::ListingTermEnd() const {
  if (bucket_s_ <= 1) return std::nullopt;
  return storage::BucketedLinkTerms(clock_.NowSeconds(), listing_ttl_s_, bucket_s_).expires_at;
}

Result<ImageLinks> LinksForImage(const LinkIssuer& links, const catalog::ImageRecord& image) {
  auto full = links.ForListing(image.blob_path);
  if (!full) return Unexpected(full.error());
  auto thumb = links.ForListing(image.thumbnail_path);
  if (!thumb) return Unexpected(thumb.error());
  ImageLinks out{std::move(*full), std::move(*thumb), {}};
  out.renditions.reserve(image.renditions.size());
  for (const catalog::Rendition& rendition : image.renditions) {
    auto link = links.ForListing(RenditionPath(image, rendition));
    if (!link) return Unexpected(link.error());
    out.renditions.push_back(std::move(*link));
  }
  return out;
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
