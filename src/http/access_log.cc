// Access-log formatting.
#include "http/access_log.h"

#include <algorithm>
#include <charconv>

#include "core/log.h"

namespace noisett::http {
namespace {

constexpr size_t kMaxValueChars = 256;

// Printable ASCII except quote and backslash stays; everything else becomes \xNN. Values with
// spaces are quoted, so "key=value" pairs always split unambiguously.
void AppendValue(std::string* out, std::string_view value) {
  const std::string_view shown = value.substr(0, kMaxValueChars);
  const bool quote = shown.empty() || shown.find(' ') != std::string_view::npos;
  if (quote) out->push_back('"');
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : shown) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      const char escaped[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
      out->append(escaped, sizeof escaped);
    } else {
      out->push_back(ch);
    }
  }
  if (value.size() > kMaxValueChars) out->append("...");
  if (quote) out->push_back('"');
}

void AppendField(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(' ');
  *out += key;
  out->push_back('=');
  AppendValue(out, value);
}

}  // namespace

std::string_view PathOnly(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), target.find('#')));
}

std::string FormatAccessLine(const AccessEntry& e) {
  std::string line = "access";
  line.reserve(256);
  AppendField(&line, "id", e.request_id);
  AppendField(&line, "method", e.method);
  AppendField(&line, "path", PathOnly(e.path));
  AppendField(&line, "route", e.route.empty() ? "-" : e.route);
  AppendField(&line, "status", std::to_string(e.status));
  AppendField(&line, "bytes_in", std::to_string(e.bytes_in));
  AppendField(&line, "bytes_out", std::to_string(e.bytes_out));
  char ms[32];
  auto [end, ec] = std::to_chars(ms, ms + sizeof ms, e.latency_ms, std::chars_format::fixed, 2);
  AppendField(&line, "ms", ec == std::errc() ? std::string_view(ms, size_t(end - ms)) : "-");
  AppendField(&line, "remote", e.remote.empty() ? "-" : e.remote);
  AppendField(&line, "user", e.user.empty() ? "-" : e.user);
  if (!e.error.empty()) AppendField(&line, "error", e.error);
  return line;
}

void LogAccess(const AccessEntry& entry) { LogInfo(FormatAccessLine(entry)); }

}  // namespace noisett::http
