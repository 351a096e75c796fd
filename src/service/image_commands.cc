// images.upload, images.url, images.list.
#include <cmath>

#include "service/args.h"
#include "service/job_json.h"
#include "service/lifecycle_observer.h"
#include "service/service.h"
#include "service/upload.h"

namespace noisett::service {
namespace {

constexpr int64_t kMaxLinkHours = 168;  // 7 days, as Azure user delegation SAS and S3 allow

// The tier the blob is in now: the link is handed out either way, but an archived blob answers
// 409 BlobArchived until images.rehydrate brings it back, so the caller is told. The store is
// asked (on Azure, Azure moves tiers without telling the catalog); what it says about the image
// itself is recorded. If the store cannot say, the catalog's last view stands.
std::string SeenTier(ServiceDeps& deps, const CommandContext& ctx, const std::string& job_id,
                     const catalog::ImageRecord& image, const std::string& path) {
  auto props = deps.blobs.GetProperties(path);
  if (!props) return image.access_tier;
  const std::string tier = CatalogTierName(props->tier);
  if (path == image.blob_path && tier != image.access_tier) {
    (void)deps.catalog.SetImageTier(ctx.user.user_id, job_id, image.index, tier);
  }
  return tier;
}

Result<nlohmann::json> Url(ServiceDeps& deps, const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "image_index", "thumbnail", "expiry_hours"}); !ok) {
    return Unexpected(ok.error());
  }
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto index = IntArg(in.args, "image_index", 0, catalog::kMaxImagesPerJob - 1, std::nullopt);
  if (!index) return Unexpected(index.error());
  auto thumbnail = BoolArg(in.args, "thumbnail", false);
  if (!thumbnail) return Unexpected(thumbnail.error());
  auto hours = IntArg(in.args, "expiry_hours", 1, kMaxLinkHours, kMaxLinkHours);
  if (!hours) return Unexpected(hours.error());
  auto job = deps.catalog.GetGeneration(ctx.user.user_id, *job_id);
  if (!job) return Unexpected(job.error());
  for (const catalog::ImageRecord& image : job->images) {
    if (image.index != *index) continue;
    const std::string& path = *thumbnail ? image.thumbnail_path : image.blob_path;
    auto links = BlobLinks(deps, path, *hours * 3600);
    if (!links) return links;
    const std::string tier = SeenTier(deps, ctx, *job_id, image, path);
    return nlohmann::json{{"sas_url", (*links)["url"]},
                          {"cdn_url", (*links)["cdn_url"]},
                          {"expires_at", (*links)["expires_at"]},
                          {"job_id", *job_id},
                          {"image_index", *index},
                          {"thumbnail", *thumbnail},
                          {"access_tier", tier},
                          {"archived", tier == "archive"}};
  }
  return Unexpected(MakeError(ErrorCode::kNotFound, "image_not_found",
                              "the job has no image with this index"));
}

// One images.list item: the image's or its thumbnail's blob, links and size.
Status WriteListedImage(JsonWriter& out, const ServiceDeps& deps, const catalog::Generation& job,
                        const catalog::ImageRecord& image, bool thumb) {
  const std::string& path = thumb ? image.thumbnail_path : image.blob_path;
  auto links = SignLinks(deps, path, deps.config.list_link_ttl_s);
  if (!links) return Unexpected(links.error());
  const uint64_t bytes = thumb ? image.thumbnail_bytes : image.bytes;
  const double size_mb = std::round(double(bytes) / (1024.0 * 1024.0) * 100.0) / 100.0;
  WriteTierFields(out.BeginObject(), image)
      .Member("bytes", bytes)
      .Member("cdn_url", links->cdn_url())
      .Member("created_at", IsoTime(job.created_at))
      .Member("image_index", image.index)
      .Member("job_id", job.job_id)
      .Member("name", path)
      .Member("size_mb", size_mb)
      .Member("thumbnail", thumb)
      .Member("url", links->url)
      .EndObject();
  return Ok();
}

// The design document's list_user_images: every image (and optionally thumbnail) of the
// caller's live jobs, newest job first, paginated like history.list. Written as text, never as a
// tree, like history.list.
Result<std::string> List(ServiceDeps& deps, const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"include_thumbnails", "limit", "cursor"}); !ok) {
    return Unexpected(ok.error());
  }
  auto thumbs = BoolArg(in.args, "include_thumbnails", false);
  if (!thumbs) return Unexpected(thumbs.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  auto page = deps.catalog.ListGenerations(ctx.user.user_id, *page_request);
  if (!page) return Unexpected(page.error());
  constexpr size_t kBytesPerItem = 768;  // two links, a blob path and the job's fields
  JsonWriter out;
  out.Reserve(page->items.size() * catalog::kMaxImagesPerJob * kBytesPerItem + 256);
  out.BeginObject().Key("images").BeginArray();
  for (const catalog::Generation& job : page->items) {
    for (const catalog::ImageRecord& image : job.images) {
      for (const bool thumb : {false, true}) {
        if (thumb && !*thumbs) continue;
        if (auto ok = WriteListedImage(out, deps, job, image, thumb); !ok) {
          return Unexpected(ok.error());
        }
      }
    }
  }
  out.EndArray().Member("next_cursor", page->next_cursor).EndObject();
  return std::move(out).Take();
}

}  // namespace

void RegisterImageCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"images.upload",
                     "store an image (body: PNG, JPEG or WebP bytes) optimized with a thumbnail: "
                     "{job_id?, prompt?, asset_type?, quality?, model?, seed?}",
                     false, true, [&deps](const CommandContext& c, const CommandInput& i) {
                       return Upload(deps, c, i);
                     }});
  registry.Register({"images.url",
                     "a signed read-only link and a CDN link: {job_id, image_index, thumbnail?, "
                     "expiry_hours 1..168 (default 168)}",
                     false, false, [&deps](const CommandContext& c, const CommandInput& i) {
                       return Url(deps, c, i);
                     }});
  registry.Register({"images.list",
                     "your images with links: {include_thumbnails?, limit?, cursor?}", false,
                     false, {}, [&deps](const CommandContext& c, const CommandInput& i) {
                       return List(deps, c, i);
                     }});
}

}  // namespace noisett::service
