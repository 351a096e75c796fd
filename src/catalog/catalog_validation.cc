// The shared input checks; see catalog_validation.h. Every check is a pure function of its
// arguments, so a refused call never reaches a connection.
#include "catalog/catalog_validation.h"

#include <string>

#include "catalog/catalog_errors.h"

namespace noisett::catalog {
namespace {

Status ValidateLimit(int limit, int max) {
  if (limit >= 1 && limit <= max) return Ok();
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_limit",
                              "limit must be 1.." + std::to_string(max)));
}

}  // namespace

Status ValidatePageLimit(int limit) { return ValidateLimit(limit, kMaxPageLimit); }

Status ValidateScanLimit(int limit) { return ValidateLimit(limit, kMaxScanLimit); }

Status ValidateAccessTier(std::string_view tier) {
  if (IsAccessTier(tier)) return Ok();
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_access_tier",
                              "access tier must be hot, cool, cold or archive"));
}

Status ValidateNewImageIndex(int index) {
  if (index >= 0 && index < kMaxImagesPerJob) return Ok();
  return Unexpected(
      MakeError(ErrorCode::kInvalidArgument, "bad_image_index", "image index must be 0..7"));
}

Status ValidateExistingImageIndex(int index) {
  if (index >= 0 && index < kMaxImagesPerJob) return Ok();
  return Unexpected(ImageNotFound());
}

Status ValidateText(std::initializer_list<std::string_view> texts) {
  for (std::string_view text : texts) {
    if (text.find('\0') != std::string_view::npos) {
      return Unexpected(
          MakeError(ErrorCode::kInvalidArgument, "bad_value", "text contains a NUL byte"));
    }
  }
  return Ok();
}

Status ValidateNewImages(const std::vector<ImageRecord>& images, NulText nul) {
  if (images.size() > static_cast<size_t>(kMaxImagesPerJob)) return Unexpected(JobFull());
  bool seen[kMaxImagesPerJob] = {};
  for (const ImageRecord& image : images) {
    if (Status s = ValidateNewImageIndex(image.index); !s) return s;
    if (Status s = ValidateAccessTier(image.access_tier); !s) return s;
    if (seen[image.index]) {
      return Unexpected(MakeError(ErrorCode::kConflict, "image_exists", "image index given twice"));
    }
    seen[image.index] = true;
    if (nul == NulText::kRefused) {
      if (Status s = ValidateText({image.blob_path, image.thumbnail_path, image.content_type,
                                   image.thumbhash});
          !s) {
        return s;
      }
    }
  }
  return Ok();
}

Status ValidateNewJob(const JobRecord& job) {
  if (!job.seeds.empty() && job.seeds.size() <= static_cast<size_t>(kMaxImagesPerJob)) return Ok();
  return Unexpected(
      BadJob("a job has 1..8 seeds, one per image; got " + std::to_string(job.seeds.size())));
}

Status ValidateInstance(std::string_view instance) {
  if (!instance.empty()) return Ok();
  return Unexpected(BadJob("the instance name is empty"));
}

Status ValidatePredictionIndex(int index) {
  if (index >= 0 && index < kMaxImagesPerJob) return Ok();
  return Unexpected(BadJob("image index " + std::to_string(index) + " is outside the job"));
}

Status ValidateFinishStatus(JobStatus status) {
  if (IsFinished(status)) return Ok();
  return Unexpected(BadJob("a job finishes as succeeded, failed or canceled, not " +
                           std::string(JobStatusName(status))));
}

}  // namespace noisett::catalog
