// The URLs SafeFetch accepts, parsed by our own strict rules rather than curl's lenient ones, so
// the host that is checked is the host that is connected to: http or https, a host name or an IP
// literal, an optional port, a path and query. No userinfo, no backslashes, no control
// characters, no percent-encoded host. Pure: no network (numeric hosts are recognized, not
// resolved).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::net {

struct FetchUrl {
  std::string scheme;  // "http" or "https"
  // Lowercase, without a trailing dot; an IP literal in its canonical form without brackets
  // ("127.0.0.1" for "0x7f.1" or "2130706433", "::1" for "[0:0::1]").
  std::string host;
  bool host_is_ip = false;
  uint16_t port = 0;   // the scheme's default when the URL names none
  std::string target;  // path and query, starting with '/'; no fragment

  // "scheme://host[:port]/target", the port only when not the default; IPv6 in brackets.
  std::string ToString() const;
  // "host[:port]" as it goes into the URL ("[::1]:8080").
  std::string Authority() const;
};

// Errors: kInvalidArgument "bad_url" (not an absolute URL with a host, userinfo, bad characters),
// kInvalidArgument "scheme_not_allowed" (a well-formed scheme other than http and https).
Result<FetchUrl> ParseFetchUrl(std::string_view url);

// A redirect's Location resolved against the URL that answered it (RFC 3986 section 5: absolute,
// "//host/...", "/path", "?query", "relative/path"), then parsed as ParseFetchUrl does. A
// redirect from https to plain http is refused ("scheme_not_allowed"): what was asked for over
// TLS must not continue in clear text.
Result<FetchUrl> ResolveRedirect(const FetchUrl& base, std::string_view location);

// At most `max` characters of `text`, control bytes replaced by '?', "..." when cut: attacker
// strings in messages stay short and printable.
std::string ShortForMessage(std::string_view text, size_t max = 200);

}  // namespace noisett::net
