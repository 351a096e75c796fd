// Environment lookups with suffix-aware number parsing.
#include "core/env.h"

#include <cctype>
#include <cstdlib>
#include <limits>

namespace noisett {

std::optional<std::string> GetEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Result<uint64_t> ParseUintWithSuffix(const std::string& text, const std::string& what) {
  auto bad = [&] {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_config",
                                what + " must be a non-negative integer (optionally with K, M or G "
                                       "suffix), got '" + text + "'"));
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
      case 'K': scale = 1ull << 10; break;
      case 'M': scale = 1ull << 20; break;
      case 'G': scale = 1ull << 30; break;
      default: return bad();
    }
  }
  if (value > std::numeric_limits<uint64_t>::max() / scale) return bad();
  return value * scale;
}

Result<uint64_t> GetEnvUint(const char* name, uint64_t fallback) {
  auto v = GetEnv(name);
  if (!v) return fallback;
  return ParseUintWithSuffix(*v, name);
}

}  // namespace noisett
