// The labels a job carries besides its prompt: asset_type and quality. One rule for every way a
// job is made (images.upload, images.import, generate, from JSON or typed), so a label one
// command refuses is refused by all. asset_type is free text to the product ("standard",
// "premium", "upload") but ends up in metadata.json, logs and the gallery: a closed alphabet
// keeps path-like and control characters out. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "image/image_types.h"

namespace noisett::service {

// [A-Za-z0-9_-]{1,64}. Errors: kInvalidArgument "bad_input".
Status ValidateAssetType(std::string_view asset_type);

// "high", "medium" or "low". Errors: kInvalidArgument "bad_input".
Result<image::Quality> ParseQualityLabel(std::string_view quality);

// Both of an upload's labels (quality: none means the configured one). Errors as above.
Status ValidateUploadLabels(std::string_view asset_type,
                            const std::optional<std::string>& quality);

}  // namespace noisett::service
