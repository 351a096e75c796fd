// Strict URL parsing for SafeFetch. Where browsers and curl would repair a URL (backslashes,
// "user@", hosts spelled in hex), this refuses or canonicalizes it, so every later check sees the
// same host the connection goes to.
#include "net/fetch_url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/percent_encoding.h"
#include "core/text.h"
#include "net/address_policy.h"

namespace noisett::net {
namespace {

constexpr size_t kMaxUrlBytes = 8192;

Unexpected BadUrl(std::string_view url, std::string_view why) {
  return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_url",
                              std::string("'").append(ShortForMessage(url)) + "': " + std::string(why)));
}

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The length of a leading "scheme:" (without the colon), or 0 when there is none.
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ':') return i;
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

// RFC 3986 section 5.2.4 on the path (no query).
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // path starts with '/'
  bool trailing_slash = false;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view seg = path.substr(start, end - start);
    trailing_slash = (seg == "." || seg == "..");
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (seg != ".") {
      out.push_back(seg);
    }
    start = end + 1;
  }
  std::string result;
  for (const auto& seg : out) {
    result += '/';
    result += seg;
  }
  if (trailing_slash || result.empty()) result += '/';
  return result;
}

bool ValidHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label = 0;
  for (char ch : host) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '.') {
      if (label == 0) return false;  // "a..b", ".a"
      label = 0;
    } else if (std::isalnum(c) || c == '-' || c == '_') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0;
}

// Fills host, host_is_ip and port from "host[:port]" or "[v6][:port]".
Status ParseAuthority(std::string_view url, std::string_view authority, FetchUrl& out) {
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl(url, "credentials in URLs are not allowed");
  }
  std::string_view host, port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "unterminated IPv6 address");
    const auto v6 = ParseIpLiteral(authority.substr(1, close - 1));
    if (!v6 || v6->size() != 16) return BadUrl(url, "bad IPv6 address");
    out.host = FormatIp(*v6);
    out.host_is_ip = true;
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return BadUrl(url, "junk after the IPv6 address");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (!ValidHostName(host)) return BadUrl(url, "bad or empty host");
    out.host = AsciiLowercase(host);
    // Whatever the resolver would read as a number ("2130706433", "0x7f.1", "017700000001",
    // "127.1") is an IPv4 address: canonicalize it here so it is checked and sent as such.
    in_addr numeric{};
    if (inet_aton(out.host.c_str(), &numeric) != 0) {
      const auto* b = reinterpret_cast<const uint8_t*>(&numeric.s_addr);
      out.host = FormatIp(IpBytes(b, b + 4));
      out.host_is_ip = true;
    }
  }
  out.port = out.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5) return BadUrl(url, "bad port");
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return BadUrl(url, "bad port");
      value = value * 10 + unsigned(c - '0');
    }
    if (value == 0 || value > 65535) return BadUrl(url, "bad port");
    out.port = uint16_t(value);
  }
  return Ok();
}

}  // namespace

std::string ShortForMessage(std::string_view text, size_t max) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : char(c);
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string FetchUrl::Authority() const {
  std::string out = host.find(':') != std::string::npos ? std::string("[").append(host).append("]") : host;
  const uint16_t default_port = scheme == "https" ? 443 : 80;
  if (port != default_port) out.append(":").append(std::to_string(port));
  return out;
}

std::string FetchUrl::ToString() const { return scheme + "://" + Authority() + target; }

Result<FetchUrl> ParseFetchUrl(std::string_view raw) {
  const std::string_view url = Trim(raw);
  if (url.size() > kMaxUrlBytes) return BadUrl(url, "too long");
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return BadUrl(url, "control characters");
  }
  const size_t scheme_len = SchemeLength(url);
  if (scheme_len == 0) return BadUrl(url, "not an absolute URL");
  FetchUrl out;
  out.scheme = AsciiLowercase(url.substr(0, scheme_len));
  if (out.scheme != "http" && out.scheme != "https") {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "scheme_not_allowed",
                                std::string("'").append(ShortForMessage(url)) + "': only http and https"));
  }
  std::string_view rest = url.substr(scheme_len + 1);
  if (rest.substr(0, 2) != "//") return BadUrl(url, "no host");
  rest.remove_prefix(2);
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  if (auto st = ParseAuthority(url, rest.substr(0, authority_end), out); !st) {
    return Unexpected(st.error());
  }
  std::string_view target = rest.substr(authority_end);
  target = target.substr(0, target.find('#'));
  const size_t query_at = std::min(target.find('?'), target.size());
  std::string_view path = target.substr(0, query_at);
  out.target = RemoveDotSegments(path.empty() ? "/" : path) + std::string(target.substr(query_at));
  // What may not appear raw in a request line is escaped; existing escapes stay.
  out.target = PercentEncode(out.target, PercentKeep::kRequestTarget);
  return out;
}

Result<FetchUrl> ResolveRedirect(const FetchUrl& base, std::string_view raw_location) {
  const std::string_view location = Trim(raw_location);
  if (location.empty()) return BadUrl(location, "empty Location");
  const std::string origin = base.scheme + "://" + base.Authority();
  const std::string_view base_path = std::string_view(base.target).substr(0, base.target.find('?'));
  std::string absolute;
  if (SchemeLength(location) > 0) {
    absolute = std::string(location);
  } else if (location.substr(0, 2) == "//") {
    absolute = base.scheme + ":" + std::string(location);
  } else if (location.front() == '/') {
    absolute = origin + std::string(location);
  } else if (location.front() == '?') {
    absolute = origin + std::string(base_path) + std::string(location);
  } else if (location.front() == '#') {
    absolute = base.ToString();
  } else {
    const std::string_view dir = base_path.substr(0, base_path.rfind('/') + 1);
    absolute = origin + std::string(dir) + std::string(location);
  }
  auto next = ParseFetchUrl(absolute);
  if (!next) return next;
  if (base.scheme == "https" && next->scheme == "http") {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "scheme_not_allowed",
                                "redirect from https to http refused: '" +
                                    ShortForMessage(next->ToString()) + "'"));
  }
  return next;
}

}  // namespace noisett::net
