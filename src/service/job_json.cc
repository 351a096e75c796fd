// Job and image JSON with links.
#include "service/job_json.h"

#include <ctime>

#include "storage/cdn.h"

namespace noisett::service {

std::string IsoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Result<nlohmann::json> BlobLinks(const ServiceDeps& deps, const std::string& blob_path,
                                 int64_t ttl_s) {
  const int64_t expires_at = deps.clock.NowSeconds() + ttl_s;
  auto link = deps.links.Sign(deps.config.container, blob_path, expires_at);
  if (!link) return Unexpected(link.error());
  std::string cdn = link->url;
  if (!deps.config.cdn_base.empty()) {
    auto url = storage::CdnUrl(deps.config.cdn_base, deps.config.container, blob_path);
    if (!url) return Unexpected(url.error());
    cdn = std::move(*url);
  }
  return nlohmann::json{
      {"url", link->url}, {"cdn_url", cdn}, {"expires_at", IsoTime(link->expires_at)}};
}

void AddTierFields(const catalog::ImageRecord& image, nlohmann::json& out) {
  out["access_tier"] = image.access_tier;
  out["archived"] = image.access_tier == "archive";
}

Result<nlohmann::json> ImageJson(const ServiceDeps& deps, const catalog::ImageRecord& image,
                                 int64_t ttl_s) {
  auto full = BlobLinks(deps, image.blob_path, ttl_s);
  if (!full) return full;
  auto thumb = BlobLinks(deps, image.thumbnail_path, ttl_s);
  if (!thumb) return thumb;
  nlohmann::json out = {{"index", image.index},
                        {"seed", image.seed},
                        {"width", image.width},
                        {"height", image.height},
                        {"bytes", image.bytes},
                        {"thumbnail_bytes", image.thumbnail_bytes},
                        {"content_type", image.content_type},
                        {"url", (*full)["url"]},
                        {"cdn_url", (*full)["cdn_url"]},
                        {"thumbnail_url", (*thumb)["url"]},
                        {"thumbnail_cdn_url", (*thumb)["cdn_url"]},
                        {"expires_at", (*full)["expires_at"]}};
  AddTierFields(image, out);
  out["favorite"] = image.favorite;
  return out;
}

Result<nlohmann::json> GenerationJson(const ServiceDeps& deps, const catalog::Generation& job,
                                      int64_t ttl_s) {
  nlohmann::json images = nlohmann::json::array();
  for (const catalog::ImageRecord& image : job.images) {
    auto json = ImageJson(deps, image, ttl_s);
    if (!json) return json;
    images.push_back(std::move(*json));
  }
  nlohmann::json out = {{"job_id", job.job_id},
                        {"prompt", job.prompt},
                        {"asset_type", job.asset_type},
                        {"quality", job.quality},
                        {"model", job.model},
                        {"created_at", IsoTime(job.created_at)},
                        {"image_count", job.images.size()},
                        {"images", std::move(images)}};
  if (job.deleted_at) out["deleted_at"] = IsoTime(*job.deleted_at);
  return out;
}

}  // namespace noisett::service
