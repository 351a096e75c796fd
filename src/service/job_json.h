// JSON views of jobs and images, with fresh signed links (and CDN links) for every image and
// thumbnail, as history, favorites and upload responses carry them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "core/json_writer.h"
#include "service/service.h"

namespace noisett::service {

// The links to one blob, for answers that write them as fields of their own.
struct SignedLinks {
  std::string url;
  std::optional<std::string> cdn;  // none configured: the cdn_url fields repeat the signed link
  std::string expires_at;          // ISO

  const std::string& cdn_url() const { return cdn ? *cdn : url; }
};

// The signed link to `blob_path`, valid for `ttl_s` from now, and its CDN link.
Result<SignedLinks> SignLinks(const ServiceDeps& deps, const std::string& blob_path,
                              int64_t ttl_s);
// {"url","cdn_url","expires_at"} for one blob path, valid for `ttl_s` from now.
Result<nlohmann::json> BlobLinks(const ServiceDeps& deps, const std::string& blob_path,
                                 int64_t ttl_s);

// Writes "access_tier" (the catalog's tier) and "archived" (access_tier == "archive"), the first
// two keys of every image in history, favorites and images.list: each says whether its links will
// answer (an archived blob is 409 until images.rehydrate brings it back).
JsonWriter& WriteTierFields(JsonWriter& out, const catalog::ImageRecord& image);

// {index, seed, width, height, bytes, thumbnail_bytes, content_type, url, cdn_url, favorite,
//  thumbnail_url, thumbnail_cdn_url, expires_at, access_tier, archived}
Status WriteImage(JsonWriter& out, const ServiceDeps& deps, const catalog::ImageRecord& image,
                  int64_t ttl_s);
Result<nlohmann::json> ImageJson(const ServiceDeps& deps, const catalog::ImageRecord& image,
                                 int64_t ttl_s);

// {job_id, prompt, asset_type, quality, model, created_at (ISO), deleted_at (ISO, only while
//  soft-deleted), image_count, images[...]}
Status WriteGeneration(JsonWriter& out, const ServiceDeps& deps, const catalog::Generation& job,
                       int64_t ttl_s);
Result<nlohmann::json> GenerationJson(const ServiceDeps& deps, const catalog::Generation& job,
                                      int64_t ttl_s);

// "2026-11-23T18:00:00Z"
std::string IsoTime(int64_t seconds);

}  // namespace noisett::service
