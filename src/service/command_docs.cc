// The one table of command summaries (see command_docs.h).
#include "service/command_docs.h"

#include <algorithm>
#include <iterator>

namespace noisett::service {
namespace {

constexpr CommandDoc kDocs[] = {
    {"images.upload",
     "store an image (body: PNG, JPEG or WebP bytes) optimized with a thumbnail: {job_id?, "
     "prompt?, asset_type?, quality?, model?, seed?}"},
    {"images.url",
     "a signed read-only link and a CDN link: {job_id, image_index, thumbnail?, expiry_hours "
     "1..168 (default 168)}"},
    {"images.list", "your images with links: {include_thumbnails?, limit?, cursor?}"},
    {"history.list", "your generations, newest first: {limit 1..200, cursor?}"},
    {"history.get", "one generation with its links: {job_id}"},
    {"history.delete", "soft-delete a generation (restorable): {job_id}"},
    {"history.restore", "undo a delete inside the window: {job_id}"},
    {"history.favorite", "mark an image as a favorite: {job_id, image_index}"},
    {"history.unfavorite", "unmark a favorite: {job_id, image_index}"},
    {"favorites.list", "your favorites with links: {limit?, cursor?}"},
    {"storage.metrics",
     "your storage use: total_images, total_size_mb (MiB), avg_image_size_mb, total_thumbnails, "
     "thumbnail_size_mb, total_renditions, rendition_size_mb"},
    {"images.rehydrate", "bring an archived image back to the hot tier: {job_id, image_index}"},
    {"generate",
     "Queue a generation job (prompt, count 1..8, quality, asset_type, model, seed); \"wait\": "
     "true answers the stored job once done"},
    {"jobs.get", "A generation job's status and stored images (job_id)"},
    {"jobs.result",
     "A finished generation job's answer as generate with \"wait\" gives it: the stored job, or "
     "the job's error (job_id)"},
    {"jobs.cancel", "Cancel a generation job, keeping the images already stored (job_id)"},
    {"images.import",
     "Download an image from an http(s) URL (SSRF-safe, 30 s, 10 MiB) and store it as "
     "images.upload does (url, job_id?, prompt?, ...)"},
    {"lifecycle.run",
     "apply the lifecycle policy to the local store now (tiers, retention, purge): {dry_run?}"},
    {"lifecycle.export", "the lifecycle policy as Azure management-policy JSON: {}"},
    {"users.set_tier",
     "set a user's subscription tier and re-tag their blobs: {user_id, tier (free, basic, pro, "
     "enterprise)}"},
    {"cost.estimate",
     "monthly cost of what is stored, per tier, plus operations and egress: {prices?, projection?: "
     "{users, images_per_user_month, avg_image_mb, subscription_tier, cdn_egress_gb_month}}"},
};

}  // namespace

std::span<const CommandDoc> CommandDocs() { return kDocs; }

const CommandDoc* FindCommandDoc(std::string_view name) {
  const auto* it = std::find_if(std::begin(kDocs), std::end(kDocs),
                                [&](const CommandDoc& d) { return d.name == name; });
  return it == std::end(kDocs) ? nullptr : it;
}

}  // namespace noisett::service
