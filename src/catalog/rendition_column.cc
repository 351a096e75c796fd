// The renditions column; see rendition_column.h.
#include "catalog/rendition_column.h"

#include <charconv>
#include <set>
#include <utility>

namespace noisett::catalog {
namespace {

bool ParseInt(std::string_view text, uint64_t &out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "avif:256:256x171:12345"
std::optional<Rendition> ParseItem(std::string_view item) {
  std::string_view parts[4];
  for (int i = 0; i < 3; ++i) {
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = item.substr(0, colon);
    item.remove_prefix(colon + 1);
  }
  parts[3] = item;
  const size_t x = parts[2].find('x');
  if (x == std::string_view::npos) return std::nullopt;
  uint64_t size = 0, width = 0, height = 0, bytes = 0;
  if (!ParseInt(parts[1], size) || !ParseInt(parts[2].substr(0, x), width) ||
      !ParseInt(parts[2].substr(x + 1), height) || !ParseInt(parts[3], bytes)) {
    return std::nullopt;
  }
  if (size > 4096 || width > 4096 || height > 4096) return std::nullopt;
  return Rendition{std::string(parts[0]), int(size), int(width), int(height), bytes};
}

bool IsRenditionSize(int size) {
  return size == 256 || size == 512 || size == 1024 || size == 2048;
}

}  // namespace

std::string_view RenditionStateName(RenditionState state) {
  switch (state) {
    case RenditionState::kNone:
      return "none";
    case RenditionState::kPending:
      return "pending";
    case RenditionState::kReady:
      return "ready";
  }
  return "none";
}

std::string RenditionListText(const std::vector<Rendition> &renditions) {
  std::string text;
  for (const Rendition &r : renditions) {
    if (!text.empty()) text += ' ';
    text += r.format + ':' + std::to_string(r.size) + ':' + std::to_string(r.width) + 'x' +
            std::to_string(r.height) + ':' + std::to_string(r.bytes);
  }
  return text;
}

std::optional<std::string> RenditionColumn(const ImageRecord &image) {
  switch (image.renditions_state) {
    case RenditionState::kNone:
      return std::nullopt;
    case RenditionState::kPending:
      return std::string(kRenditionsPending);
    case RenditionState::kReady:
      return RenditionListText(image.renditions);
  }
  return std::nullopt;
}

void ReadRenditionColumn(const std::optional<std::string_view> &column, ImageRecord &image) {
  image.renditions.clear();
  image.renditions_state = RenditionState::kNone;
  if (!column) return;
  if (*column == kRenditionsPending) {
    image.renditions_state = RenditionState::kPending;
    return;
  }
  std::vector<Rendition> list;
  std::string_view rest = *column;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    auto item = ParseItem(rest.substr(0, space));
    if (!item) return;
    list.push_back(std::move(*item));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  if (!ValidateRenditions(list)) return;
  image.renditions = std::move(list);
  image.renditions_state = RenditionState::kReady;
}

uint64_t RenditionBytes(const std::vector<Rendition> &renditions) {
  uint64_t total = 0;
  for (const Rendition &r : renditions) total += r.bytes;
  return total;
}

Status ValidateRenditions(const std::vector<Rendition> &renditions) {
  std::set<std::pair<std::string, int>> seen;
  for (const Rendition &r : renditions) {
    const std::string what = r.format + " " + std::to_string(r.size);
    if (r.format != "avif" && r.format != "webp") {
      return Unexpected(
          MakeError(ErrorCode::kInvalidArgument, "bad_rendition",
                    "rendition format must be avif or webp, got \"" + r.format + "\""));
    }
    if (!IsRenditionSize(r.size) || r.width < 1 || r.height < 1 || r.width > r.size ||
        r.height > r.size) {
      return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_rendition",
                                  "rendition " + what + ": size must be 256, 512, 1024 or 2048" +
                                      " and its pixels fit inside it"));
    }
    if (!seen.emplace(r.format, r.size).second) {
      return Unexpected(
          MakeError(ErrorCode::kInvalidArgument, "bad_rendition", "rendition " + what + " twice"));
    }
  }
  return Ok();
}

}  // namespace noisett::catalog
