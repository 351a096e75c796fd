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

std::string RenditionClassOf(std::string_view blob_name) {
  std::string_view file = blob_name.substr(blob_name.rfind('/') + 1);
  if (file.size() < 2 || file[0] != 'r') return "";
  const size_t underscore = file.find("_image_");
  const size_t dot = file.rfind('.');
  if (underscore == std::string_view::npos || dot == std::string_view::npos || dot < underscore) {
    return "";
  }
  const std::string_view size = file.substr(1, underscore - 1);
  const std::string_view ext = file.substr(dot + 1);
  if (size != "256" && size != "512" && size != "1024" && size != "2048") return "";
  if (ext != "avif" && ext != "webp") return "";
  return std::string(ext) + " " + std::string(size);
}

}  // namespace noisett
