// history.favorite, history.unfavorite, favorites.list.
#include <optional>

#include "service/args.h"
#include "service/job_json.h"
#include "service/service.h"

namespace noisett::service {
namespace {

struct FavoriteArgs {
  std::string job_id;
  int image_index = 0;
};

Result<FavoriteArgs> ReadFavoriteArgs(const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "image_index"}); !ok) return Unexpected(ok.error());
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto index = IntArg(in.args, "image_index", 0, catalog::kMaxImagesPerJob - 1, std::nullopt);
  if (!index) return Unexpected(index.error());
  return FavoriteArgs{*job_id, int(*index)};
}

Result<nlohmann::json> Favorite(ServiceDeps& deps, const CommandContext& ctx,
                                const CommandInput& in, bool on) {
  auto args = ReadFavoriteArgs(in);
  if (!args) return Unexpected(args.error());
  const Status done =
      on ? deps.catalog.AddFavorite(ctx.user.user_id, args->job_id, args->image_index,
                                    deps.clock.NowSeconds())
         : deps.catalog.RemoveFavorite(ctx.user.user_id, args->job_id, args->image_index);
  if (!done) return Unexpected(done.error());
  return nlohmann::json{
      {"job_id", args->job_id}, {"image_index", args->image_index}, {"favorite", on}};
}

// One favorite with the links of its image and its thumbnail.
Status WriteFavorite(JsonWriter& out, const ServiceDeps& deps, const catalog::Favorite& favorite) {
  const catalog::ImageRecord& image = favorite.image;
  auto full = SignLinks(deps, image.blob_path, deps.config.list_link_ttl_s);
  if (!full) return Unexpected(full.error());
  auto thumb = SignLinks(deps, image.thumbnail_path, deps.config.list_link_ttl_s);
  if (!thumb) return Unexpected(thumb.error());
  WriteTierFields(out.BeginObject(), image)
      .Member("cdn_url", full->cdn_url())
      .Member("created_at", IsoTime(favorite.created_at))
      .Member("image_index", favorite.image_index)
      .Member("job_id", favorite.job_id)
      .Member("prompt", favorite.prompt)
      .Member("thumbnail_url", thumb->url)
      .Member("url", full->url)
      .EndObject();
  return Ok();
}

// Written as text, never as a tree, like history.list; the page carries each image, so this is
// one catalog query.
Result<std::string> List(ServiceDeps& deps, const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"limit", "cursor"}); !ok) return Unexpected(ok.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  auto page = deps.catalog.ListFavorites(ctx.user.user_id, *page_request);
  if (!page) return Unexpected(page.error());
  constexpr size_t kBytesPerFavorite = 1024;  // three links and the prompt
  JsonWriter out;
  out.Reserve(page->items.size() * kBytesPerFavorite + 256);
  out.BeginObject().Key("favorites").BeginArray();
  for (const catalog::Favorite& favorite : page->items) {
    if (auto ok = WriteFavorite(out, deps, favorite); !ok) return Unexpected(ok.error());
  }
  out.EndArray()
      .Member("next_cursor", page->next_cursor)
      .Member("total_count", page->total_count)
      .EndObject();
  return std::move(out).Take();
}

}  // namespace

void RegisterFavoriteCommands(CommandRegistry& registry, ServiceDeps& deps) {
  registry.Register({"history.favorite", "mark an image as a favorite: {job_id, image_index}",
                     false, false, [&deps](const CommandContext& c, const CommandInput& i) {
                       return Favorite(deps, c, i, true);
                     }});
  registry.Register({"history.unfavorite", "unmark a favorite: {job_id, image_index}", false,
                     false, [&deps](const CommandContext& c, const CommandInput& i) {
                       return Favorite(deps, c, i, false);
                     }});
  registry.Register({"favorites.list", "your favorites with links: {limit?, cursor?}", false,
                     false, {}, [&deps](const CommandContext& c, const CommandInput& i) {
                       return List(deps, c, i);
                     }});
}

}  // namespace noisett::service
