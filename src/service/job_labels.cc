// The label rules; see job_labels.h.
#include "service/job_labels.h"

#include "core/ids.h"

namespace noisett::service {
namespace {

Error BadLabel(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message));
}

}  // namespace

Status ValidateAssetType(std::string_view asset_type) {
  // The user id alphabet and length: the same closed set, already proven safe in paths.
  if (!IsValidUserId(asset_type)) {
    return Unexpected(BadLabel("'asset_type' must be 1 to 64 of A-Z, a-z, 0-9, '_' and '-'"));
  }
  return Ok();
}

Result<image::Quality> ParseQualityLabel(std::string_view quality) {
  auto parsed = image::ParseQuality(quality);
  if (!parsed) return Unexpected(BadLabel("'quality' must be high, medium or low"));
  return *parsed;
}

Status ValidateUploadLabels(std::string_view asset_type,
                            const std::optional<std::string>& quality) {
  if (Status ok = ValidateAssetType(asset_type); !ok) return ok;
  if (quality) {
    if (auto q = ParseQualityLabel(*quality); !q) return Unexpected(q.error());
  }
  return Ok();
}

}  // namespace noisett::service
