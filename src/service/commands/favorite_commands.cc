// history.favorite, history.unfavorite, favorites.list: JSON in, typed call, JSON out.
#include "service/commands/args.h"
#include "service/commands/commands.h"
#include "service/commands/job_json.h"
#include "service/favorites.h"

namespace noisett::service {
namespace {

Result<FavoriteRequest> ReadFavorite(const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"job_id", "image_index"}); !ok) return Unexpected(ok.error());
  auto job_id = JobIdArg(in.args);
  if (!job_id) return Unexpected(job_id.error());
  auto index = IntArg(in.args, "image_index", 0, catalog::kMaxImagesPerJob - 1, std::nullopt);
  if (!index) return Unexpected(index.error());
  return FavoriteRequest{*job_id, int(*index)};
}

Result<std::string> Favorite(catalog::Catalog& catalog, const Clock& clock,
                             const CommandContext& ctx, const CommandInput& in, bool on) {
  auto request = ReadFavorite(in);
  if (!request) return Unexpected(request.error());
  if (auto done = SetFavorite(catalog, clock, ctx.user, *request, on); !done) {
    return Unexpected(done.error());
  }
  return DumpJson(
      {{"job_id", request->job_id}, {"image_index", request->image_index}, {"favorite", on}});
}

void WriteFavorite(JsonWriter& out, const FavoriteView& view) {
  const catalog::Favorite& favorite = view.favorite;
  WriteTierFields(out.BeginObject(), favorite.image)
      .Member("cdn_url", view.links.full.cdn_url())
      .Member("created_at", IsoTime(favorite.created_at))
      .Member("height", favorite.image.height)
      .Member("image_index", favorite.image_index)
      .Member("job_id", favorite.job_id)
      .Member("prompt", favorite.prompt)
      .Member("renditions", catalog::RenditionStateName(favorite.image.renditions_state));
  WriteSources(out.Key("sources"), favorite.image, view.links);
  out.Member("thumbhash", favorite.image.thumbhash)
      .Member("thumbnail_url", view.links.thumbnail.url)
      .Member("url", view.links.full.url)
      .Member("width", favorite.image.width)
      .EndObject();
}

// Written as text, never as a tree, and reused, like history.list.
Result<ListText> BuildList(catalog::Catalog& catalog, const LinkIssuer& links,
                           const CommandContext& ctx, const catalog::PageRequest& page_request) {
  auto page = ListFavorites(catalog, links, ctx.user, page_request);
  if (!page) return Unexpected(page.error());
  constexpr size_t kBytesPerFavorite = 1024;  // three links and the prompt
  JsonWriter out;
  out.Reserve(page->favorites.size() * kBytesPerFavorite + 256);
  out.BeginObject().Key("favorites").BeginArray();
  for (const FavoriteView& view : page->favorites) WriteFavorite(out, view);
  out.EndArray()
      .Member("next_cursor", page->next_cursor)
      .Member("total_count", page->total_count)
      .EndObject();
  return ListText{std::move(out).Take(), page->links_whole};
}

Result<std::string> List(ListAnswers& answers, catalog::Catalog& catalog, const LinkIssuer& links,
                         const CommandContext& ctx, const CommandInput& in) {
  if (auto ok = OnlyFields(in.args, {"limit", "cursor"}); !ok) return Unexpected(ok.error());
  auto page_request = PageArgs(in.args);
  if (!page_request) return Unexpected(page_request.error());
  return answers.Answer("favorites", ctx.user, *page_request,
                        [&] { return BuildList(catalog, links, ctx, *page_request); });
}

}  // namespace

void RegisterFavoriteCommands(CommandRegistry& registry, catalog::Catalog& catalog,
                              const Clock& clock, const LinkIssuer& links, ListAnswers& answers) {
  registry.Register({.name = "history.favorite",
                     .run = [&catalog, &clock](const CommandContext& c, const CommandInput& i) {
                       return Favorite(catalog, clock, c, i, true);
                     }});
  registry.Register({.name = "history.unfavorite",
                     .run = [&catalog, &clock](const CommandContext& c, const CommandInput& i) {
                       return Favorite(catalog, clock, c, i, false);
                     }});
  registry.Register(
      {.name = "favorites.list",
       .run = [&catalog, &links, &answers](const CommandContext& c, const CommandInput& i) {
         return List(answers, catalog, links, c, i);
       }});
}

}  // namespace noisett::service
