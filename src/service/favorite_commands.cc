// history.favorite, history.unfavorite, favorites.list.
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

Result<nlohmann::json> List(ServiceDeps& deps, const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"limit", "cursor"}); !ok) return Unexpected(ok.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  auto page = deps.catalog.ListFavorites(ctx.user.user_id, *page_request);
  if (!page) return Unexpected(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const catalog::Favorite& favorite : page->items) {
    auto job = deps.catalog.GetGeneration(ctx.user.user_id, favorite.job_id);
    if (!job) continue;  // deleted between the two reads: not a favorite to show
    for (const catalog::ImageRecord& image : job->images) {
      if (image.index != favorite.image_index) continue;
      auto links = ImageJson(deps, image, deps.config.list_link_ttl_s);
      if (!links) return links;
      nlohmann::json item = {{"job_id", favorite.job_id},
                             {"image_index", favorite.image_index},
                             {"url", (*links)["url"]},
                             {"cdn_url", (*links)["cdn_url"]},
                             {"thumbnail_url", (*links)["thumbnail_url"]},
                             {"prompt", favorite.prompt},
                             {"created_at", IsoTime(favorite.created_at)}};
      AddTierFields(image, item);
      items.push_back(std::move(item));
    }
  }
  return nlohmann::json{{"favorites", std::move(items)},
                        {"next_cursor", page->next_cursor},
                        {"total_count", page->total_count}};
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
                     false, [&deps](const CommandContext& c, const CommandInput& i) {
                       return List(deps, c, i);
                     }});
}

}  // namespace noisett::service
