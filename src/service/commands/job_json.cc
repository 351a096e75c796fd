// Job and image JSON with links.
#include "service/commands/job_json.h"

#include <algorithm>
#include <string>

#include "image/image_types.h"

namespace noisett::service {

JsonWriter& WriteTierFields(JsonWriter& out, const catalog::ImageRecord& image) {
  return out.Member("access_tier", image.access_tier)
      .Member("archived", image.access_tier == "archive");
}

namespace {

// "URL 256w, URL 512w": the CDN links (the signed links when no CDN is configured), whose
// expiry and signature never hold a comma or a space.
void AppendCandidate(std::string& srcset, const SignedLinks& link, int width) {
  if (!srcset.empty()) srcset += ", ";
  srcset += link.cdn_url();
  srcset += ' ';
  srcset += std::to_string(width);
  srcset += 'w';
}

void WriteSource(JsonWriter& out, std::string_view type, const std::string& srcset) {
  out.BeginObject().Member("srcset", srcset).Member("type", type).EndObject();
}

}  // namespace

void WriteSources(JsonWriter& out, const catalog::ImageRecord& image, const ImageLinks& links) {
  out.BeginArray();
  for (std::string_view format : {"avif", "webp"}) {
    std::string srcset;
    for (size_t i = 0; i < image.renditions.size() && i < links.renditions.size(); ++i) {
      if (image.renditions[i].format == format) {
        AppendCandidate(srcset, links.renditions[i], image.renditions[i].width);
      }
    }
    if (!srcset.empty()) WriteSource(out, std::string("image/") + std::string(format), srcset);
  }
  // The stored pair, last: what every client can show. A thumbnail as wide as the image (a small
  // upload) is the same picture, listed once.
  // The catalog keeps the image's size, not the thumbnail's: the thumbnail is the image fitted in
  // the pipeline's box (never enlarged), and a descriptor a pixel off picks the same candidate.
  std::string fallback;
  const int box = image::OptimizeOptions{}.thumb_size;
  const int longest = std::max({image.width, image.height, 1});
  const int thumbnail_width =
      longest <= box ? image.width : std::max(1, (image.width * box + longest / 2) / longest);
  if (thumbnail_width < image.width) AppendCandidate(fallback, links.thumbnail, thumbnail_width);
  AppendCandidate(fallback, links.full, image.width);
  WriteSource(out, image.content_type, fallback);
  out.EndArray();
}

void WriteImage(JsonWriter& out, const catalog::ImageRecord& image, const ImageLinks& links,
                std::string_view status) {
  WriteTierFields(out.BeginObject(), image)
      .Member("bytes", image.bytes)
      .Member("cdn_url", links.full.cdn_url())
      .Member("content_type", image.content_type)
      .Member("expires_at", links.full.expires_at)
      .Member("favorite", image.favorite)
      .Member("height", image.height)
      .Member("index", image.index)
      .Member("renditions", catalog::RenditionStateName(image.renditions_state))
      .Member("seed", image.seed);
  WriteSources(out.Key("sources"), image, links);
  if (!status.empty()) out.Member("status", status);
  out.Member("thumbhash", image.thumbhash)
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
      .Member("quality", job.quality);
  if (!view.status.empty()) out.Member("status", view.status);
  out.EndObject();
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

namespace {

void WriteJobImage(JsonWriter& out, const JobImageView& image) {
  if (!image.record || !image.links) {
    out.BeginObject()
        .Member("index", image.index)
        .Member("seed", image.seed)
        .Member("status", "pending")
        .EndObject();
    return;
  }
  WriteImage(out, *image.record, *image.links, "stored");
}

void OptionalTime(JsonWriter& out, std::string_view key, const std::optional<int64_t>& ms) {
  out.Key(key);
  if (ms) {
    out.Value(IsoTime(*ms / 1000));
  } else {
    out.Value(nullptr);
  }
}

}  // namespace

void WriteJob(JsonWriter& out, const JobView& view) {
  const catalog::JobRecord& job = view.job;
  out.BeginObject()
      .Member("asset_type", job.asset_type)
      .Member("count", job.seeds.size())
      .Member("created_at", IsoTime(job.created_at_ms / 1000))
      .Key("error");
  if (job.error_code.empty()) {
    out.Value(nullptr);
  } else {
    out.BeginObject()
        .Member("code", job.error_code)
        .Member("message", job.error_message)
        .EndObject();
  }
  OptionalTime(out, "finished_at", job.finished_at_ms);
  out.Member("generator", job.generator).Key("images").BeginArray();
  for (const JobImageView& image : view.images) WriteJobImage(out, image);
  const std::string self = "/api/jobs/" + job.job_id;
  out.EndArray()
      .Member("job_id", job.job_id)
      .Key("links")
      .BeginObject()
      .Member("events", self + "/events")
      .Member("self", self)
      .EndObject()
      .Member("model", job.model)
      .Member("prompt", job.prompt)
      .Member("quality", job.quality);
  OptionalTime(out, "started_at", job.started_at_ms);
  out.Member("status", catalog::JobStatusName(job.status)).EndObject();
}

std::string JobText(const JobView& view) {
  JsonWriter out;
  WriteJob(out, view);
  return std::move(out).Take();
}

std::string JobImageText(const JobImageView& image) {
  JsonWriter out;
  WriteJobImage(out, image);
  return std::move(out).Take();
}

}  // namespace noisett::service
