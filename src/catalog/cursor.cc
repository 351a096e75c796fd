// Cursor encoding: base64url (core/base64.h), an FNV-1a checksum and a dotted text form; and
// reading a list call's PageRequest (its limit, then its cursor) into the key to continue after.
#include "catalog/cursor.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "catalog/catalog_validation.h"
#include "core/base64.h"

namespace noisett::catalog {
namespace {

uint32_t Fnv1a(std::string_view data) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string Hex8(uint32_t value) {
  std::array<char, 9> buf{};
  std::snprintf(buf.data(), buf.size(), "%08x", value);
  return std::string(buf.data(), 8);
}

std::string_view Prefix(CursorKind kind) { return kind == CursorKind::kHistory ? "h1." : "f1."; }

// Parses a decimal integer that runs up to the next '.', and moves past that dot.
template <typename Int>
bool TakeNumber(std::string_view& text, Int& value) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + dot, value);
  if (ec != std::errc() || end != text.data() + dot) return false;
  text.remove_prefix(dot + 1);
  return true;
}

Error BadCursor(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_cursor", std::move(message));
}

}  // namespace

std::string EncodeCursor(CursorKind kind, const CursorKey& key) {
  std::string body =
      std::to_string(key.created_at) + "." + std::to_string(key.image_index) + "." + key.job_id;
  std::string prefix(Prefix(kind));
  return Base64UrlEncode(prefix + Hex8(Fnv1a(prefix + body)) + "." + body);
}

Result<CursorKey> DecodeCursor(CursorKind kind, std::string_view cursor) {
  if (cursor.empty() || cursor.size() > kMaxCursorLength)
    return Unexpected(BadCursor("bad length"));
  auto decoded = Base64UrlDecode(cursor);
  if (!decoded) return Unexpected(BadCursor("not base64url"));
  const std::string text = std::move(*decoded);
  std::string_view rest(text);
  const std::string_view prefix = Prefix(kind);
  if (rest.substr(0, prefix.size()) != prefix)
    return Unexpected(BadCursor("wrong kind or version"));
  rest.remove_prefix(prefix.size());
  if (rest.size() < 9 || rest[8] != '.') return Unexpected(BadCursor("no checksum"));
  std::string_view checksum = rest.substr(0, 8);
  std::string_view body = rest.substr(9);
  if (checksum != Hex8(Fnv1a(std::string(prefix) + std::string(body)))) {
    return Unexpected(BadCursor("checksum mismatch"));
  }
  CursorKey key;
  if (!TakeNumber(body, key.created_at) || !TakeNumber(body, key.image_index)) {
    return Unexpected(BadCursor("malformed key"));
  }
  const int max_index = kind == CursorKind::kHistory ? 0 : 7;
  if (key.image_index < 0 || key.image_index > max_index || body.empty()) {
    return Unexpected(BadCursor("malformed key"));
  }
  key.job_id = std::string(body);
  return key;
}

Result<std::optional<CursorKey>> DecodePageCursor(CursorKind kind, const PageRequest& page) {
  if (Status s = ValidatePageLimit(page.limit); !s) return Unexpected(s.error());
  if (page.cursor.empty()) return std::optional<CursorKey>();
  auto key = DecodeCursor(kind, page.cursor);
  if (!key) return Unexpected(key.error());
  return std::optional<CursorKey>(std::move(*key));
}

std::string EndHistoryPage(std::vector<Generation>& items, int limit) {
  if (items.size() <= static_cast<size_t>(limit)) return "";
  items.pop_back();
  const Generation& last = items.back();
  return EncodeCursor(CursorKind::kHistory, {last.created_at, last.job_id, 0});
}

std::string EndFavoritesPage(std::vector<Favorite>& items, int limit) {
  if (items.size() <= static_cast<size_t>(limit)) return "";
  items.pop_back();
  const Favorite& last = items.back();
  return EncodeCursor(CursorKind::kFavorites, {last.created_at, last.job_id, last.image_index});
}

}  // namespace noisett::catalog
