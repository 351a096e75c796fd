// NOISETT_IMPORT_ALLOW / NOISETT_IMPORT_HOSTS parsing and host matching. Host entries are
// normalized the way FetchUrl normalizes hosts (lowercase, no trailing dot, canonical IP
// literals), so matching is plain string comparison.
#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "net/address_policy.h"
#include "net/fetch_url.h"
#include "net/import_policy.h"
#include "net/safe_fetch.h"

namespace noisett::net {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Non-empty comma-separated entries, trimmed.
std::vector<std::string_view> Entries(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    const size_t comma = std::min(list.find(','), list.size());
    const std::string_view entry = Trim(list.substr(0, comma));
    if (!entry.empty()) out.push_back(entry);
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return out;
}

bool PlainHostName(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' ||
      s.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '.' || c == '-' || c == '_';
  });
}

// The entry as FetchUrl would spell the host, "" when it is not a host pattern.
std::string NormalizeHostEntry(std::string_view entry) {
  std::string e = AsciiLowercase(entry);
  if (e.size() > 2 && e.front() == '[' && e.back() == ']') e = e.substr(1, e.size() - 2);
  if (const auto ip = ParseIpLiteral(e)) return FormatIp(*ip);
  if (!e.empty() && e.back() == '.') e.pop_back();
  const bool wildcard = e.rfind("*.", 0) == 0;
  if (!PlainHostName(wildcard ? std::string_view(e).substr(2) : std::string_view(e))) return "";
  return e;
}

Unexpected BadEntry(const char* reason, std::string_view entry, const std::string& why) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, reason,
                              std::string("'").append(ShortForMessage(entry, 100)) + "': " + why));
}

}  // namespace

Result<ImportPolicy> ParseImportPolicy(std::string_view allow, std::string_view hosts) {
  ImportPolicy policy;
  for (const std::string_view entry : Entries(allow)) {
    auto range = ParseIpRange(entry);
    if (!range) return BadEntry("bad_import_allow", entry, "not an IP address or CIDR range");
    policy.allow.push_back(std::move(*range));
  }
  for (const std::string_view entry : Entries(hosts)) {
    std::string host = NormalizeHostEntry(entry);
    if (host.empty()) {
      return BadEntry("bad_import_hosts", entry, "not a host name or \"*.domain\" pattern");
    }
    policy.hosts.push_back(std::move(host));
  }
  return policy;
}

bool HostAllowed(std::string_view host, const std::vector<std::string>& hosts) {
  if (hosts.empty()) return true;
  for (const std::string& raw : hosts) {
    // Entries set in code rather than parsed may still carry capitals.
    const std::string entry = NormalizeHostEntry(raw);
    if (entry.empty()) continue;
    if (entry.rfind("*.", 0) == 0) {
      const std::string_view suffix = std::string_view(entry).substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix) {
        return true;
      }
    } else if (host == entry) {
      return true;
    }
  }
  return false;
}

}  // namespace noisett::net
