// The JSON door's view of jobs and images: history, favorites, uploads and generate answers write
// their GenerationView / ImageLinks values with these. Each shape is written once, as text
// (core/json_writer.h, keys in ascending order as nlohmann prints them); the tree forms parse that
// text back for the answers that add fields to it.
#pragma once

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "core/json_writer.h"
#include "service/generation_jobs.h"
#include "service/links.h"

namespace noisett::service {

// Writes "access_tier" (the catalog's tier) and "archived" (access_tier == "archive"), the first
// two keys of every image in history, favorites and images.list: each says whether its links will
// answer (an archived blob is 409 until images.rehydrate brings it back).
JsonWriter& WriteTierFields(JsonWriter& out, const catalog::ImageRecord& image);

// The image's candidates for a <picture>: [{type: "image/avif", srcset: "URL 256w, URL 512w, ..."},
// {type: "image/webp", ...}, {type: content_type, srcset: "THUMBNAIL 256w, FULL 2048w"}], the
// renditions first (those made: none while they are pending), the stored pair last.
void WriteSources(JsonWriter& out, const catalog::ImageRecord& image, const ImageLinks& links);

// {index, seed, width, height, bytes, thumbnail_bytes, content_type, url, cdn_url, favorite,
//  thumbnail_url, thumbnail_cdn_url, expires_at, access_tier, archived, thumbhash, renditions
//  (none, pending or ready), sources (WriteSources)}, and `status` when given
//  (a job's image: "stored").
void WriteImage(JsonWriter& out, const catalog::ImageRecord& image, const ImageLinks& links,
                std::string_view status = {});
nlohmann::json ImageJson(const catalog::ImageRecord& image, const ImageLinks& links);

// {job_id, prompt, asset_type, quality, model, created_at (ISO), deleted_at (ISO, only while
//  soft-deleted), image_count, images[...], status (only while a generation job is queued or
//  running)}
void WriteGeneration(JsonWriter& out, const GenerationView& view);
std::string GenerationText(const GenerationView& view);
nlohmann::json GenerationJson(const GenerationView& view);

// A generation job (GET /api/jobs/{id}, the 202 of POST /api/generate, the events' "done"):
// {asset_type, count, created_at, error ({code, message} or null), finished_at, generator,
//  images:[{index, seed, status: "pending"} or {status: "stored", ...WriteImage}], job_id,
//  links:{events, self}, model, prompt, quality, started_at, status}
// Times are ISO 8601; started_at and finished_at are null until then.
void WriteJob(JsonWriter& out, const JobView& view);
std::string JobText(const JobView& view);
// One image of a job as WriteJob writes it (the "image" event).
std::string JobImageText(const JobImageView& image);

}  // namespace noisett::service
