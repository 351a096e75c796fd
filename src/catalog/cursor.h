// Opaque keyset cursors for the history and favorites lists. A cursor names the last row of the
// previous page by its sort key — (created_at, job_id) for generations, plus image_index for
// favorites — so the next page starts strictly after it, without OFFSET and without losing or
// repeating rows when rows are added or deleted in between.
//
// Wire form: base64url (no padding) of "h1.<checksum>.<created_at>.<image_index>.<job_id>"
// ("f1." for favorites). The checksum (FNV-1a, not a MAC) catches truncation and tampering; a
// forged but well-formed cursor gains nothing, since a cursor carries no user id and every query
// is scoped to the caller's user. A cursor is meaningful only with the same user's query.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/result.h"

namespace noisett::catalog {

enum class CursorKind { kHistory, kFavorites };

// The sort key of the last row on a page.
struct CursorKey {
  int64_t created_at = 0;
  std::string job_id;
  int image_index = 0;  // favorites only; 0 for history
};

// Longest accepted cursor text; longer input is refused before decoding.
inline constexpr size_t kMaxCursorLength = 1024;

std::string EncodeCursor(CursorKind kind, const CursorKey& key);

// Errors: kInvalidArgument "bad_cursor" for anything EncodeCursor(kind, ...) could not have made:
// bad base64url, another kind or version, a wrong checksum, malformed numbers, an empty job id.
Result<CursorKey> DecodeCursor(CursorKind kind, std::string_view cursor);

// What a list call (ListGenerations, ListFavorites) continues after: nullopt for the first page
// (an empty cursor), else the decoded key. Errors, in this order: kInvalidArgument "bad_limit"
// (page.limit outside 1..kMaxPageLimit), then "bad_cursor" as DecodeCursor.
Result<std::optional<CursorKey>> DecodePageCursor(CursorKind kind, const PageRequest& page);

// Every list query fetches one row more than `limit` to learn whether another page follows.
// These drop that row and return the cursor of the page's last row, or "" when none follows.
std::string EndHistoryPage(std::vector<Generation>& items, int limit);
std::string EndFavoritesPage(std::vector<Favorite>& items, int limit);

}  // namespace noisett::catalog
