// Text pieces of Azure requests (see request_parts.h).
#include "storage/azure/request_parts.h"

#include <algorithm>
#include <cctype>

#include "core/percent_encoding.h"
#include "storage/hmac.h"

namespace noisett::storage::azure {

std::string EncodePath(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out = "/";
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = std::min(path.find('/', start), path.size());
    AppendPercentEncoded(out, path.substr(start, slash - start), PercentKeep::kUnreserved);
    if (slash < path.size()) out += '/';
    start = slash + 1;
  }
  return out;
}

std::string EncodeQuery(const HeaderList& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    AppendPercentEncoded(out, name, PercentKeep::kUnreserved);
    out += '=';
    AppendPercentEncoded(out, value, PercentKeep::kUnreserved);
  }
  return out;
}

std::string NewRequestId() {
  auto bytes = crypto::RandomBytes(16);
  std::string b = bytes ? *bytes : std::string(16, '\0');  // unseeded CSPRNG: ids only correlate
  b[6] = char((b[6] & 0x0f) | 0x40);                       // version 4
  b[8] = char((b[8] & 0x3f) | 0x80);                       // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[(static_cast<unsigned char>(b[i]) >> 4) & 15];
    out += kHex[static_cast<unsigned char>(b[i]) & 15];
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace noisett::storage::azure
