// images.url, images.list, images.rehydrate and storage.metrics as typed operations: links to one
// image, the caller's images as a flat list, an archived image brought back online, and the
// caller's storage use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/user.h"
#include "catalog/catalog.h"
#include "service/links.h"
#include "storage/blob_store.h"

namespace noisett::service {

// At most 7 days, as Azure user delegation SAS and S3 allow.
inline constexpr int64_t kMaxLinkHours = 168;

struct ImageUrlRequest {
  std::string job_id;
  int image_index = 0;
  bool thumbnail = false;
  int64_t expiry_hours = kMaxLinkHours;  // 1..kMaxLinkHours
};

struct ImageUrl {
  SignedLinks links;
  std::string job_id;
  int image_index = 0;
  bool thumbnail = false;
  // The tier the blob is in now (the store is asked: on Azure, Azure moves tiers without telling
  // the catalog). An archived blob's link answers 409 BlobArchived until images.rehydrate.
  std::string access_tier;
};

// Links to one of the caller's images (or its thumbnail). Side effect: a tier the store reports
// for the image that differs from the catalog's is recorded in the catalog.
// Errors: kNotFound "job_not_found" / "image_not_found"; the signer's.
Result<ImageUrl> GetImageUrl(catalog::Catalog& catalog, storage::BlobStore& blobs,
                             const LinkIssuer& links, const auth::User& caller,
                             const ImageUrlRequest& request);

// One entry of images.list: an image or its thumbnail, with its job's id and time.
struct ListedImage {
  std::string job_id;
  int64_t created_at = 0;
  catalog::ImageRecord image;
  bool thumbnail = false;
  SignedLinks links;
};

struct ImagePage {
  std::vector<ListedImage> images;
  std::string next_cursor;
};

// Every image (and, with `include_thumbnails`, its thumbnail) of a page of the caller's live jobs,
// newest job first, paginated like history.list.
Result<ImagePage> ListImages(catalog::Catalog& catalog, const LinkIssuer& links,
                             const auth::User& caller, const catalog::PageRequest& page,
                             bool include_thumbnails);

struct RehydrateRequest {
  std::string job_id;
  int image_index = 0;
};

struct Rehydration {
  std::string job_id;
  int image_index = 0;
  std::string access_tier;     // the catalog's spelling: "hot", ..., "archive"
  std::string archive_status;  // non-empty while Azure is still bringing it back
};

// The caller's image (and thumbnail) back from archive: at once on the local store; on Azure a
// High-priority rehydration (under an hour for small blobs), during which it stays archived. An
// image already online is left alone. The catalog's tier follows.
// Errors: kNotFound "job_not_found" / "image_not_found"; the store's.
Result<Rehydration> RehydrateImage(catalog::Catalog& catalog, storage::BlobStore& blobs,
                                   const auth::User& caller, const RehydrateRequest& request);

// The caller's live images, thumbnails and their bytes (the design document's
// get_storage_metrics).
Result<catalog::StorageTotals> StorageUse(catalog::Catalog& catalog, const auth::User& caller);

}  // namespace noisett::service
