// Job and image JSON with links.
#include "service/commands/job_json.h"

namespace noisett::service {

JsonWriter& WriteTierFields(JsonWriter& out, const catalog::ImageRecord& image) {
  return out.Member("access_tier", image.access_tier)
      .Member("archived", image.access_tier == "archive");
}

void WriteImage(JsonWriter& out, const catalog::ImageRecord& image, const ImageLinks& links) {
  WriteTierFields(out.BeginObject(), image)
      .Member("bytes", image.bytes)
      .Member("cdn_url", links.full.cdn_url())
      .Member("content_type", image.content_type)
      .Member("expires_at", links.full.expires_at)
      .Member("favorite", image.favorite)
      .Member("height", image.height)
      .Member("index", image.index)
      .Member("seed", image.seed)
      .Member("thumbnail_bytes", image.thumbnail_bytes)
      .Member("thumbnail_cdn_url", links.thumbnail.cdn_url())
      .Member("thumbnail_url", links.thumbnail.url)
      .Member("url", links.full.url)
      .Member("width", image.width)
      .EndObject();
}

void WriteGeneration(JsonWriter& out, const GenerationView& view) {
  const catalog::Generation& job = view.job;
  out.BeginObject()
      .Member("asset_type", job.asset_type)
      .Member("created_at", IsoTime(job.created_at));
  if (job.deleted_at) out.Member("deleted_at", IsoTime(*job.deleted_at));
  out.Member("image_count", job.images.size()).Key("images").BeginArray();
  for (size_t i = 0; i < job.images.size(); ++i) WriteImage(out, job.images[i], view.links[i]);
  out.EndArray()
      .Member("job_id", job.job_id)
      .Member("model", job.model)
      .Member("prompt", job.prompt)
      .Member("quality", job.quality)
      .EndObject();
}

std::string GenerationText(const GenerationView& view) {
  JsonWriter out;
  WriteGeneration(out, view);
  return std::move(out).Take();
}

// The writer's text is JSON by construction: parsing it back cannot fail.
nlohmann::json ImageJson(const catalog::ImageRecord& image, const ImageLinks& links) {
  JsonWriter out;
  WriteImage(out, image, links);
  return nlohmann::json::parse(std::move(out).Take());
}

nlohmann::json GenerationJson(const GenerationView& view) {
  return nlohmann::json::parse(GenerationText(view));
}

}  // namespace noisett::service
