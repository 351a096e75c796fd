#include "http/header_rules.h"

#include <algorithm>
#include <cctype>

namespace noisett::http {
namespace {

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsIpLiteralBody(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isxdigit(c) || c == ':' || c == '.';
  });
}

bool IsRegName(std::string_view s) {
  static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=%";
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || kAllowed.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

}  // namespace

bool IsHostAndPort(std::string_view value) {
  std::string_view host = value;
  std::string_view port;
  if (!value.empty() && value.front() == '[') {
    const size_t close = value.find(']');
    if (close == std::string_view::npos || !IsIpLiteralBody(value.substr(1, close - 1))) return false;
    const std::string_view rest = value.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':') return false;
    return IsDigits(rest.substr(1));
  }
  if (const size_t colon = value.rfind(':'); colon != std::string_view::npos) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  return IsRegName(host) && IsDigits(port);
}

bool IsDecimalLength(std::string_view value) { return !value.empty() && IsDigits(value); }

bool WasFolded(std::string_view name_in_input, std::string_view value) {
  const char* start = name_in_input.data() + name_in_input.size() + 1;  // past the ':'
  while (*start == ' ' || *start == '\t') ++start;
  return value.data() != start;
}

}  // namespace noisett::http
