// Optimal string alignment distance over ASCII-folded bytes, and the nearest-name choice on it.
#include "core/suggest.h"

#include <algorithm>

#include "core/text.h"

namespace noisett {
namespace {

constexpr size_t kLongestMatched = 64;

size_t AllowedEdits(size_t typed_length) {
  const size_t by_length = typed_length <= 4 ? 1 : typed_length <= 8 ? 2 : 3;
  return std::min(by_length, typed_length == 0 ? 0 : typed_length - 1);
}

// "history.list" -> "history"; a name without a dot is its own group.
std::string_view GroupOf(std::string_view name) { return name.substr(0, name.find('.')); }

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the classic table: the swap looks two rows back.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = AsciiLower(a[i - 1]) == AsciiLower(b[j - 1]);
      current[j] =
          std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
      const bool swapped = i > 1 && j > 1 && AsciiLower(a[i - 1]) == AsciiLower(b[j - 2]) &&
                           AsciiLower(a[i - 2]) == AsciiLower(b[j - 1]);
      if (swapped) current[j] = std::min(current[j], before[j - 2] + 1);
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string_view>& names) {
  if (typed.size() > kLongestMatched) return std::nullopt;
  std::optional<std::string_view> best;
  size_t best_edits = AllowedEdits(typed.size()) + 1;
  for (std::string_view name : names) {
    if (name.size() > kLongestMatched) continue;
    if (typed == name) return std::nullopt;
    const size_t edits = std::min(EditDistance(typed, name), EditDistance(typed, GroupOf(name)));
    if (edits < best_edits) {
      best = name;
      best_edits = edits;
    }
  }
  if (!best) return std::nullopt;
  return std::string(*best);
}

std::string DidYouMean(std::string_view typed, const std::vector<std::string_view>& names) {
  const std::optional<std::string> closest = ClosestName(typed, names);
  return closest ? "; did you mean \"" + *closest + "\"?" : "";
}

}  // namespace noisett
