// images.upload as a typed operation: validate → optimize → thumbnail (the image pipeline) →
// blobs (image, thumbnail, metadata.json) → catalog row, in that order. If a later step fails,
// what was written is removed and nothing is listed: a job is visible only once all of it exists.
// images.import and generate store through the same steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/user.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/metrics.h"
#include "image/image_types.h"
#include "service/links.h"
#include "service/rendition_worker.h"
#include "service/user_tiers.h"
#include "storage/blob_store.h"

namespace noisett::service {

// What storing new images needs. References outlive every call.
struct UploadDeps {
  storage::BlobStore& blobs;
  catalog::Catalog& catalog;
  const LinkIssuer& links;
  const Clock& clock;
  JobIdSource& job_ids;
  TierResolver& tiers;
  metrics::Registry& metrics;              // the pipeline's duration histogram
  const image::OptimizeOptions& optimize;  // quality, sizes, upload limits
  // Makes each stored image's renditions in the background; null: none are made (the images are
  // stored with renditions "none").
  RenditionWorker* renditions = nullptr;
};

struct UploadRequest {
  std::optional<std::string> job_id;  // join one of the caller's live jobs; none: a new job
  std::string prompt;
  std::string asset_type = "upload";
  std::optional<std::string> quality;  // a label kept with the job; none: the configured quality
  std::string model = "upload";
  int64_t seed = 0;
  std::string_view image;  // the file's bytes (PNG, JPEG or WebP), alive during the call
};

// Where an upload went.
struct StoredImage {
  image::WebImageMetadata metadata;  // the pipeline's: sizes, ratio, dimensions, formats
  std::string job_id;
  bool new_job = false;
  catalog::ImageRecord record;
  ImageLinks links;
};

// Errors: kInvalidArgument "bad_input" (asset_type or quality, job_labels.h); the pipeline's
// ("too_large", "unsupported_format", "corrupt", ...); kNotFound
// "job_not_found"; kConflict "job_full"; the store's and the catalog's.
Result<StoredImage> UploadImage(const UploadDeps& deps, const auth::User& caller,
                                const UploadRequest& request);

// Image `index` of a generation job (whose generation row exists), written by the job runner
// while it holds the job's lease: nothing else writes that index, so blobs an interrupted
// attempt left there are overwritten. Image and thumbnail, then the catalog row, then
// metadata.json; blobs tagged with `tier`; then its renditions are queued, made from `source`
// (the generator's bytes). An index the catalog already holds is answered as it is. Errors: the
// store's, the catalog's ("job_not_found" when the job was deleted meanwhile).
Result<catalog::ImageRecord> StoreJobImage(const UploadDeps& deps, const catalog::Generation& job,
                                           int index, int64_t seed, const image::WebImage& web,
                                           const std::string& tier, std::string_view source);

}  // namespace noisett::service
