// Sizes and durations.
#include "core/units.h"

#include <cctype>
#include <limits>

namespace noisett {

Result<uint64_t> ParseUintWithSuffix(const std::string& text, const std::string& what) {
  auto bad = [&] {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_config",
                                what +
                                    " must be a non-negative integer (optionally with K, M or G "
                                    "suffix), got '" +
                                    text + "'"));
  };
  if (text.empty()) return bad();
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return bad();
    value = value * 10 + digit;
  }
  if (i == 0) return bad();
  uint64_t scale = 1;
  if (i < text.size()) {
    if (i + 1 != text.size()) return bad();
    switch (std::toupper(static_cast<unsigned char>(text[i]))) {
      case 'K':
        scale = 1ull << 10;
        break;
      case 'M':
        scale = 1ull << 20;
        break;
      case 'G':
        scale = 1ull << 30;
        break;
      default:
        return bad();
    }
  }
  if (value > std::numeric_limits<uint64_t>::max() / scale) return bad();
  return value * scale;
}

Result<int64_t> ParseDuration(std::string_view text) {
  const std::string given(text.substr(0, 64));  // `text` loses its unit below
  auto bad = [&] {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_duration",
                                "duration must look like 90s, 30m, 1h or 7d, got '" + given + "'"));
  };
  if (text.empty() || text.size() > 12) return bad();
  int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      text.remove_suffix(1);
      break;
    case 'm':
      unit = 60;
      text.remove_suffix(1);
      break;
    case 'h':
      unit = 3600;
      text.remove_suffix(1);
      break;
    case 'd':
      unit = 86400;
      text.remove_suffix(1);
      break;
    default:
      break;
  }
  if (text.empty()) return bad();
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    value = value * 10 + (c - '0');
  }
  return value * unit;
}

}  // namespace noisett
