// The links a command hands out for one blob: the signed read-only link (the local HMAC link or an
// Azure SAS, whichever LinkSigner the App built) and the CDN link beside it, valid for a lifetime
// counted from the injected clock's now; and what answers carry about jobs and images, the
// catalog's records with their links (typed values: the JSON doors in commands/ write them).
// What the links look like is storage's business (link_signer.h, cdn.h); which lifetime an answer
// uses is the command's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/result.h"
#include "service/link_cache.h"
#include "storage/link_signer.h"

namespace noisett::service {

// The links to one blob.
struct SignedLinks {
  std::string url;
  std::optional<std::string> cdn;  // none configured: cdn_url() repeats the signed link
  std::string expires_at;          // ISO 8601 UTC, "2026-11-23T18:00:00Z"
  // False when the signer cut the link short of its bucket's term (an Azure delegation key
  // ending first): a later call in the same bucket may get a longer link, so an answer holding
  // this one is not kept for reuse.
  bool whole = true;

  const std::string& cdn_url() const { return cdn ? *cdn : url; }
};

// The signed link and the CDN link to one blob. Thread-safe (the signer and the cache are).
class LinkIssuer {
 public:
  // `cdn_base` is NOISETT_CDN_URL ("" for none); `listing_ttl_s` is the lifetime of the links in
  // answers that list images (history, favorites, images.list, uploads); `bucket_s` is
  // NOISETT_LINK_BUCKET (storage::BucketedLinkTerms; <= 1: none). References outlive this.
  LinkIssuer(storage::LinkSigner& signer, std::string container, std::string cdn_base,
             const Clock& clock, int64_t listing_ttl_s, int64_t bucket_s);

  // Links valid for at least `ttl_s` from now, the same for every call during one link bucket
  // (the signer may cap the expiry: expires_at says what was given). Links signed in this bucket
  // come from the cache. Errors: the signer's ("link_bad_path", ...) and CdnUrl's.
  Result<SignedLinks> Issue(const std::string& blob_path, int64_t ttl_s) const;
  // Links with the listing lifetime.
  Result<SignedLinks> ForListing(const std::string& blob_path) const {
    return Issue(blob_path, listing_ttl_s_);
  }

  // When the listing links issued now end, while links are bucketed: every listing link issued
  // until the bucket ends carries this term, so an answer built now holding only whole links is
  // the answer every call makes until then. nullopt without buckets (NOISETT_LINK_BUCKET <= 1:
  // each second's links differ, nothing to reuse).
  std::optional<int64_t> ListingTermEnd() const;

  const std::string& container() const { return container_; }

 private:
  storage::LinkSigner& signer_;
  std::string container_;
  std::string cdn_base_;
  const Clock& clock_;
  int64_t listing_ttl_s_;
  int64_t bucket_s_;
  mutable LinkCache<SignedLinks> cache_;
};

// "2026-11-23T18:00:00Z"
std::string IsoTime(int64_t seconds);

// The links of one image, of its thumbnail and of its renditions (renditions[i] belongs to the
// image's renditions[i]).
struct ImageLinks {
  SignedLinks full;
  SignedLinks thumbnail;
  std::vector<SignedLinks> renditions;

  bool whole() const {
    if (!full.whole || !thumbnail.whole) return false;
    for (const SignedLinks& r : renditions) {
      if (!r.whole) return false;
    }
    return true;
  }
};

// A job with links for every image: links[i] belongs to job.images[i].
struct GenerationView {
  catalog::Generation job;
  std::vector<ImageLinks> links;
  // A generation job's status while it is queued or running ("" otherwise: history lists it).
  std::string status;
};

// One image's links with the listing lifetime.
Result<ImageLinks> LinksForImage(const LinkIssuer& links, const catalog::ImageRecord& image);
// `job` with listing links for each of its images.
Result<GenerationView> ViewWithLinks(const LinkIssuer& links, catalog::Generation job);

}  // namespace noisett::service
