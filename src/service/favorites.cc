// The favorite operations.
#include "service/favorites.h"

namespace noisett::service {

Status SetFavorite(catalog::Catalog& catalog, const Clock& clock, const auth::User& caller,
                   const FavoriteRequest& request, bool on) {
  return on ? catalog.AddFavorite(caller.user_id, request.job_id, request.image_index,
                                  clock.NowSeconds())
            : catalog.RemoveFavorite(caller.user_id, request.job_id, request.image_index);
}

Result<FavoritesPage> ListFavorites(catalog::Catalog& catalog, const LinkIssuer& links,
                                    const auth::User& caller, const catalog::PageRequest& page) {
  auto listed = catalog.ListFavorites(caller.user_id, page);
  if (!listed) return Unexpected(listed.error());
  FavoritesPage out;
  out.favorites.reserve(listed->items.size());
  for (catalog::Favorite& favorite : listed->items) {
    auto image_links = LinksForImage(links, favorite.image);
    if (!image_links) return Unexpected(image_links.error());
    out.links_whole = out.links_whole && image_links->whole();
    out.favorites.push_back({std::move(favorite), std::move(*image_links)});
  }
  out.next_cursor = std::move(listed->next_cursor);
  out.total_count = listed->total_count;
  return out;
}

}  // namespace noisett::service
