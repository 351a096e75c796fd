// Blob path builders.
#include "core/blob_paths.h"

namespace noisett {

std::string UserPrefix(std::string_view user_id) {
  return "generated/" + std::string(user_id) + "/";
}

std::string JobPrefix(std::string_view user_id, std::string_view job_id) {
  return UserPrefix(user_id) + std::string(job_id) + "/";
}

std::string ImageBlobPath(std::string_view user_id, std::string_view job_id, int index,
                          std::string_view extension) {
  return JobPrefix(user_id, job_id) + "image_" + std::to_string(index) + "." +
         std::string(extension);
}

std::string ThumbnailBlobPath(std::string_view user_id, std::string_view job_id, int index,
                              std::string_view extension) {
  return JobPrefix(user_id, job_id) + "thumb_image_" + std::to_string(index) + "." +
         std::string(extension);
}

std::string RenditionFileName(int index, int size, std::string_view extension) {
  return "r" + std::to_string(size) + "_image_" + std::to_string(index) + "." +
         std::string(extension);
}

std::string RenditionBlobPath(std::string_view user_id, std::string_view job_id, int index,
                              int size, std::string_view extension) {
  return JobPrefix(user_id, job_id) + RenditionFileName(index, size, extension);
}

std::string MetadataBlobPath(std::string_view user_id, std::string_view job_id) {
  return JobPrefix(user_id, job_id) + "metadata.json";
}

}  // namespace noisett
