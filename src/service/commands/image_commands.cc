// images.url, images.list, images.rehydrate, storage.metrics: JSON in, typed call, JSON out.
#include <cmath>

#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/commands/job_json.h"
#include "service/images.h"

namespace noisett::service {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Bytes as MiB rounded to hundredths, as the design document's metrics give sizes.
double Mb2(double bytes) { return std::round(bytes / kMiB * 100.0) / 100.0; }

Result<std::string> Url(catalog::Catalog& catalog, storage::BlobStore& blobs,
                        const LinkIssuer& links, const CommandContext& ctx,
                        const CommandInput& in) {
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
  auto url = GetImageUrl(catalog, blobs, links, ctx.user,
                         {std::move(*job_id), int(*index), *thumbnail, *hours});
  if (!url) return Unexpected(url.error());
  return DumpJson({{"sas_url", url->links.url},
                   {"cdn_url", url->links.cdn_url()},
                   {"expires_at", url->links.expires_at},
                   {"job_id", url->job_id},
                   {"image_index", url->image_index},
                   {"thumbnail", url->thumbnail},
                   {"access_tier", url->access_tier},
                   {"archived", url->access_tier == "archive"}});
}

void WriteListedImage(JsonWriter& out, const ListedImage& listed) {
  const catalog::ImageRecord& image = listed.image;
  const uint64_t bytes = listed.thumbnail ? image.thumbnail_bytes : image.bytes;
  WriteTierFields(out.BeginObject(), image)
      .Member("bytes", bytes)
      .Member("cdn_url", listed.links.cdn_url())
      .Member("created_at", IsoTime(listed.created_at))
      .Member("image_index", image.index)
      .Member("job_id", listed.job_id)
      .Member("name", listed.thumbnail ? image.thumbnail_path : image.blob_path)
      .Member("size_mb", Mb2(double(bytes)))
      .Member("thumbnail", listed.thumbnail)
      .Member("url", listed.links.url)
      .EndObject();
}

// The design document's list_user_images, written as text like history.list.
Result<std::string> List(catalog::Catalog& catalog, const LinkIssuer& links,
                         const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"include_thumbnails", "limit", "cursor"}); !ok) {
    return Unexpected(ok.error());
  }
  auto thumbs = BoolArg(in.args, "include_thumbnails", false);
  if (!thumbs) return Unexpected(thumbs.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  auto page = ListImages(catalog, links, ctx.user, *page_request, *thumbs);
  if (!page) return Unexpected(page.error());
  constexpr size_t kBytesPerItem = 768;  // two links, a blob path and the job's fields
  JsonWriter out;
  out.Reserve(page->images.size() * kBytesPerItem + 256);
  out.BeginObject().Key("images").BeginArray();
  for (const ListedImage& listed : page->images) WriteListedImage(out, listed);
  out.EndArray().Member("next_cursor", page->next_cursor).EndObject();
  return std::move(out).Take();
}

Result<std::string> Rehydrate(catalog::Catalog& catalog, storage::BlobStore& blobs,
                              const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "image_index"}); !ok) {
    return Unexpected(ok.error());
  }
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto index = IntArg(in.args, "image_index", 0, catalog::kMaxImagesPerJob - 1, std::nullopt);
  if (!index) return Unexpected(index.error());
  auto done = RehydrateImage(catalog, blobs, ctx.user, {std::move(*job_id), int(*index)});
  if (!done) return Unexpected(done.error());
  nlohmann::json out = {{"job_id", done->job_id},
                        {"image_index", done->image_index},
                        {"access_tier", done->access_tier},
                        {"rehydrating", !done->archive_status.empty()}};
  if (!done->archive_status.empty()) out["archive_status"] = done->archive_status;
  return DumpJson(out);
}

Result<std::string> StorageMetrics(catalog::Catalog& catalog, const CommandContext& ctx,
                                   const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {}); !ok) return Unexpected(ok.error());
  auto totals = StorageUse(catalog, ctx.user);
  if (!totals) return Unexpected(totals.error());
  const double avg =
      totals->total_images > 0 ? double(totals->total_bytes) / double(totals->total_images) : 0.0;
  return DumpJson({{"total_images", totals->total_images},
                   {"total_size_mb", Mb2(double(totals->total_bytes))},
                   {"avg_image_size_mb", Mb2(avg)},
                   {"total_thumbnails", totals->total_thumbnails},
                   {"thumbnail_size_mb", Mb2(double(totals->thumbnail_bytes))},
                   {"total_bytes", totals->total_bytes},
                   {"thumbnail_bytes", totals->thumbnail_bytes},
                   {"total_renditions", totals->total_renditions},
                   {"rendition_size_mb", Mb2(double(totals->rendition_bytes))},
                   {"rendition_bytes", totals->rendition_bytes}});
}

}  // namespace

void RegisterImageCommands(CommandRegistry& registry, catalog::Catalog& catalog,
                           storage::BlobStore& blobs, const LinkIssuer& links) {
  registry.Register(
      {.name = "images.url",
       .run = [&catalog, &blobs, &links](const CommandContext& c, const CommandInput& i) {
         return Url(catalog, blobs, links, c, i);
       }});
  registry.Register({.name = "images.list",
                     .run = [&catalog, &links](const CommandContext& c, const CommandInput& i) {
                       return List(catalog, links, c, i);
                     }});
  registry.Register({.name = "images.rehydrate",
                     .run = [&catalog, &blobs](const CommandContext& c, const CommandInput& i) {
                       return Rehydrate(catalog, blobs, c, i);
                     }});
  registry.Register({.name = "storage.metrics",
                     .run = [&catalog](const CommandContext& c, const CommandInput& i) {
                       return StorageMetrics(catalog, c, i);
                     }});
}

}  // namespace noisett::service
