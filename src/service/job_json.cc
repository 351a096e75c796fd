// Job and image JSON with links. Each shape is written once, as text (core/json_writer.h, keys in
// ascending order as nlohmann prints them); the tree forms parse that text back for the commands
// that add fields to it.
#include "service/job_json.h"

#include "core/json_writer.h"
#include "storage/cdn.h"
#include "storage/link_signer.h"

namespace noisett::service {
namespace {

Result<nlohmann::json> ParseWritten(JsonWriter&& out) {
  nlohmann::json tree = nlohmann::json::parse(std::move(out).Take(), nullptr, false);
  if (tree.is_discarded()) {
    return Unexpected(MakeError(ErrorCode::kInternal, "bad_answer", "unreadable job JSON"));
  }
  return tree;
}

}  // namespace

std::string IsoTime(int64_t seconds) { return storage::FormatIsoUtc(seconds); }

Result<SignedLinks> SignLinks(const ServiceDeps& deps, const std::string& blob_path,
                              int64_t ttl_s) {
  const int64_t expires_at = deps.clock.NowSeconds() + ttl_s;
  auto link = deps.links.Sign(deps.config.container, blob_path, expires_at);
  if (!link) return Unexpected(link.error());
  SignedLinks out{std::move(link->url), std::nullopt, IsoTime(link->expires_at)};
  if (deps.config.cdn_base.empty()) return out;
  auto cdn = storage::CdnUrl(deps.config.cdn_base, deps.config.container, blob_path);
  if (!cdn) return Unexpected(cdn.error());
  out.cdn = std::move(*cdn);
  return out;
}

Result<nlohmann::json> BlobLinks(const ServiceDeps& deps, const std::string& blob_path,
                                 int64_t ttl_s) {
  auto links = SignLinks(deps, blob_path, ttl_s);
  if (!links) return Unexpected(links.error());
  return nlohmann::json{{"url", links->url},
                        {"cdn_url", links->cdn_url()},
                        {"expires_at", std::move(links->expires_at)}};
}

JsonWriter& WriteTierFields(JsonWriter& out, const catalog::ImageRecord& image) {
  return out.Member("access_tier", image.access_tier)
      .Member("archived", image.access_tier == "archive");
}

Status WriteImage(JsonWriter& out, const ServiceDeps& deps, const catalog::ImageRecord& image,
                  int64_t ttl_s) {
  auto full = SignLinks(deps, image.blob_path, ttl_s);
  if (!full) return Unexpected(full.error());
  auto thumb = SignLinks(deps, image.thumbnail_path, ttl_s);
  if (!thumb) return Unexpected(thumb.error());
  WriteTierFields(out.BeginObject(), image)
      .Member("bytes", image.bytes)
      .Member("cdn_url", full->cdn_url())
      .Member("content_type", image.content_type)
      .Member("expires_at", full->expires_at)
      .Member("favorite", image.favorite)
      .Member("height", image.height)
      .Member("index", image.index)
      .Member("seed", image.seed)
      .Member("thumbnail_bytes", image.thumbnail_bytes)
      .Member("thumbnail_cdn_url", thumb->cdn_url())
      .Member("thumbnail_url", thumb->url)
      .Member("url", full->url)
      .Member("width", image.width)
      .EndObject();
  return Ok();
}

Status WriteGeneration(JsonWriter& out, const ServiceDeps& deps, const catalog::Generation& job,
                       int64_t ttl_s) {
  out.BeginObject()
      .Member("asset_type", job.asset_type)
      .Member("created_at", IsoTime(job.created_at));
  if (job.deleted_at) out.Member("deleted_at", IsoTime(*job.deleted_at));
  out.Member("image_count", job.images.size()).Key("images").BeginArray();
  for (const catalog::ImageRecord& image : job.images) {
    if (auto ok = WriteImage(out, deps, image, ttl_s); !ok) return ok;
  }
  out.EndArray()
      .Member("job_id", job.job_id)
      .Member("model", job.model)
      .Member("prompt", job.prompt)
      .Member("quality", job.quality)
      .EndObject();
  return Ok();
}

Result<nlohmann::json> ImageJson(const ServiceDeps& deps, const catalog::ImageRecord& image,
                                 int64_t ttl_s) {
  JsonWriter out;
  if (auto ok = WriteImage(out, deps, image, ttl_s); !ok) return Unexpected(ok.error());
  return ParseWritten(std::move(out));
}

Result<nlohmann::json> GenerationJson(const ServiceDeps& deps, const catalog::Generation& job,
                                      int64_t ttl_s) {
  JsonWriter out;
  if (auto ok = WriteGeneration(out, deps, job, ttl_s); !ok) return Unexpected(ok.error());
  return ParseWritten(std::move(out));
}

}  // namespace noisett::service
