// history.favorite, history.unfavorite and favorites.list as typed operations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/user.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "service/links.h"

namespace noisett::service {

struct FavoriteRequest {
  std::string job_id;
  int image_index = 0;
};

// Marks (`on`) or unmarks one image of the caller's as a favorite; both are idempotent.
// Errors: kNotFound "job_not_found" / "image_not_found".
Status SetFavorite(catalog::Catalog& catalog, const Clock& clock, const auth::User& caller,
                   const FavoriteRequest& request, bool on);

// One favorite with the links of its image and its thumbnail.
struct FavoriteView {
  catalog::Favorite favorite;
  ImageLinks links;
};

struct FavoritesPage {
  std::vector<FavoriteView> favorites;
  std::string next_cursor;
  int64_t total_count = 0;
  bool links_whole = true;  // no link was cut short of its term (SignedLinks::whole)
};

// One page of the caller's favorites, newest first: one catalog query per page.
Result<FavoritesPage> ListFavorites(catalog::Catalog& catalog, const LinkIssuer& links,
                                    const auth::User& caller, const catalog::PageRequest& page);

}  // namespace noisett::service
