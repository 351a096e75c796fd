// The blob layout (DESIGN.md): generated/{user_id}/{job_id}/image_{i}.jpg, thumb_image_{i}.jpg,
// the renditions r{size}_image_{i}.{avif,webp} and metadata.json. Callers pass ids already checked
// by IsValidUserId / IsValidJobId.
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
// A rendition fitted inside size x size: r512_image_0.avif. The name starts with neither
// "image_" nor "thumb_", so nothing that reads an image index from a file name mistakes it for
// the image itself.
std::string RenditionFileName(int index, int size, std::string_view extension);
std::string RenditionBlobPath(std::string_view user_id, std::string_view job_id, int index,
                              int size, std::string_view extension);
std::string MetadataBlobPath(std::string_view user_id, std::string_view job_id);

// "avif 256" for a blob name ending in /r256_image_{i}.avif (a rendition); "" for anything else.
std::string RenditionClassOf(std::string_view blob_name);

}  // namespace noisett
