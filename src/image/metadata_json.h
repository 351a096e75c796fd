// JSON form of the pipeline's metadata, shared by the CLI and (later) the service.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "image/image_types.h"

namespace noisett::image {

// {original_size_bytes, optimized_size_bytes, thumbnail_size_bytes, compression_ratio,
//  original_width, original_height, width, height, thumbnail_width, thumbnail_height,
//  source_format, format, content_type, thumbnail_content_type, has_alpha}
// original_width/height are as stored (before EXIF orientation); width/height and the thumbnail's
// are the outputs', upright (docs/image-fidelity.md).
nlohmann::json ToJson(const WebImageMetadata& m);

}  // namespace noisett::image
