// The blob layout (DESIGN.md): generated/{user_id}/{job_id}/image_{i}.jpg, thumb_image_{i}.jpg
// and metadata.json. Callers pass ids already checked by IsValidUserId / IsValidJobId.
#pragma once

#include <string>
#include <string_view>

namespace noisett {

std::string UserPrefix(std::string_view user_id);                            // generated/u/
std::string JobPrefix(std::string_view user_id, std::string_view job_id);    // generated/u/j/
// `extension` without the dot: "jpg" or "webp".
std::string ImageBlobPath(std::string_view user_id, std::string_view job_id, int index,
                          std::string_view extension = "jpg");
std::string ThumbnailBlobPath(std::string_view user_id, std::string_view job_id, int index,
                              std::string_view extension = "jpg");
std::string MetadataBlobPath(std::string_view user_id, std::string_view job_id);

}  // namespace noisett
