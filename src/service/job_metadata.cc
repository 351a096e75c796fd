// metadata.json: writing.
#include "service/job_metadata.h"

#include <nlohmann/json.hpp>

#include "service/job_json.h"

namespace noisett::service {

std::string MetadataJson(const catalog::Generation& job) {
  nlohmann::json images = nlohmann::json::array();
  for (const catalog::ImageRecord& r : job.images) {
    const std::string filename = r.blob_path.substr(r.blob_path.rfind('/') + 1);
    images.push_back({{"index", r.index}, {"seed", r.seed}, {"filename", filename},
                      {"bytes", r.bytes}, {"width", r.width}, {"height", r.height}});
  }
  return nlohmann::json{{"job_id", job.job_id},     {"user_id", job.user_id},
                        {"prompt", job.prompt},     {"asset_type", job.asset_type},
                        {"quality", job.quality},   {"model", job.model},
                        {"created_at", IsoTime(job.created_at)}, {"images", images}}
      .dump(2);
}

}  // namespace noisett::service
