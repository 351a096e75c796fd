// Field names follow the design document's optimize_for_web metadata, plus dimensions and types.
#include "image/metadata_json.h"

#include <nlohmann/json.hpp>

namespace noisett::image {

nlohmann::json ToJson(const WebImageMetadata& m) {
  return nlohmann::json{
      {"original_size_bytes", m.original_size_bytes},
      {"optimized_size_bytes", m.optimized_size_bytes},
      {"thumbnail_size_bytes", m.thumbnail_size_bytes},
      {"compression_ratio", m.compression_ratio},
      {"original_width", m.original_width},
      {"original_height", m.original_height},
      {"width", m.width},
      {"height", m.height},
      {"thumbnail_width", m.thumbnail_width},
      {"thumbnail_height", m.thumbnail_height},
      {"source_format", FormatName(m.source_format)},
      {"format", OutputFormatName(m.format)},
      {"content_type", ContentType(m.format)},
      {"thumbnail_content_type", ContentType(m.format)},
      {"has_alpha", m.has_alpha},
  };
}

}  // namespace noisett::image
