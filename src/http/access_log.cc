// Access-log formatting.
#include "http/access_log.h"

#include <algorithm>
#include <cstdio>

#include "core/log.h"

namespace noisett::http {
namespace {

constexpr size_t kMaxValueChars = 256;

// Printable ASCII except quote and backslash stays; everything else becomes \xNN. Values with
// spaces are quoted, so "key=value" pairs always split unambiguously.
void AppendValue(std::string* out, std::string_view value) {
  std::string clean;
  for (char ch : value.substr(0, kMaxValueChars)) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      clean += buf;
    } else {
      clean.push_back(ch);
    }
  }
  if (value.size() > kMaxValueChars) clean += "...";
  bool quote = clean.empty() || clean.find(' ') != std::string::npos;
  if (quote) out->push_back('"');
  *out += clean;
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
  AppendField(&line, "id", e.request_id);
  AppendField(&line, "method", e.method);
  AppendField(&line, "path", PathOnly(e.path));
  AppendField(&line, "route", e.route.empty() ? "-" : e.route);
  AppendField(&line, "status", std::to_string(e.status));
  AppendField(&line, "bytes_in", std::to_string(e.bytes_in));
  AppendField(&line, "bytes_out", std::to_string(e.bytes_out));
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.2f", e.latency_ms);
  AppendField(&line, "ms", ms);
  AppendField(&line, "remote", e.remote.empty() ? "-" : e.remote);
  AppendField(&line, "user", e.user.empty() ? "-" : e.user);
  if (!e.error.empty()) AppendField(&line, "error", e.error);
  return line;
}

void LogAccess(const AccessEntry& entry) { LogInfo(FormatAccessLine(entry)); }

}  // namespace noisett::http
