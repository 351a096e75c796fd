// Fetching a URL a user names (images.import, a generator's outputs) without letting that user
// reach what only the server can reach (SSRF): http and https only; the host is resolved once and
// every address it resolves to is checked, then the connection is pinned to the checked address
// and the address really connected is checked again; loopback, private, link-local (cloud
// metadata at 169.254.169.254 included), multicast and unspecified addresses are refused unless
// the operator allows them (NOISETT_IMPORT_ALLOW); redirects are followed by hand and re-checked,
// at most max_redirects; one deadline for the whole fetch; the body is cut off past max_bytes.
// No proxy from the environment is used.
//
// Details callers may rely on: IPv6 forms that carry an IPv4 address (::ffff:a.b.c.d, NAT64,
// 6to4) are judged, and allowed, by that IPv4 address; numeric host spellings ("2130706433",
// "0x7f.1") are read as the addresses they denote. 301, 302, 303, 307 and 308 with a Location are
// followed (always as GET); any other status, 3xx included, ends the fetch. A redirect from https
// to http is refused (scheme_not_allowed): a download asked for over TLS never continues in clear
// text. A Content-Length over max_bytes is refused before the body is read. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace noisett::net {

// An address range the operator allows despite its class: "10.1.2.3", "10.0.0.0/8", "::1",
// "fd00::/8".
struct IpRange {
  std::vector<uint8_t> base;  // 4 or 16 bytes, network order, host bits cleared
  int prefix = 0;             // bits that must match
};

struct ImportPolicy {
  std::vector<IpRange> allow;      // NOISETT_IMPORT_ALLOW: ranges allowed although internal
  std::vector<std::string> hosts;  // NOISETT_IMPORT_HOSTS: when set, only these hosts
                                   // ("images.example.com", or "*.example.com" for subdomains)
  int max_redirects = 3;
  int64_t timeout_ms = 30000;      // the whole fetch, redirects included
  size_t max_bytes = size_t{10} << 20;
  std::string ca_file;             // extra trust for tests' TLS servers; empty: the system's
};

// NOISETT_IMPORT_ALLOW and NOISETT_IMPORT_HOSTS, comma-separated (empty: none / any host).
// Errors: kInvalidArgument "bad_import_allow" / "bad_import_hosts" naming the bad entry.
Result<ImportPolicy> ParseImportPolicy(std::string_view allow, std::string_view hosts);

struct Fetched {
  std::string body;
  std::string content_type;  // the final response's, "" when absent
  std::string final_url;     // after redirects
  int redirects = 0;
};

// GET `url` under `policy`; only a 2xx final answer is a success. Errors (reason, code):
//   bad_url              not an absolute http(s) URL, or userinfo in it      kInvalidArgument
//   scheme_not_allowed   anything but http and https                       kInvalidArgument
//   host_not_allowed     not in policy.hosts                               kPermissionDenied
//   address_not_allowed  resolves to / connected to a refused address, or  kPermissionDenied
//                        does not resolve; the message names the host only
//                        (the addresses and resolver's words go to the log)
//   too_many_redirects   more than policy.max_redirects                    kUpstreamFailed
//   fetch_status         the final answer is not 2xx (message has it)      kUpstreamFailed
//   too_large            more than policy.max_bytes arrived                 kTooLarge
//   header_too_large     a response header section over 64 KiB             kUpstreamFailed
//   fetch_timeout        the deadline passed                               kUpstreamTimeout
//   fetch_failed         connect, TLS or transfer error                    kUpstreamFailed
Result<Fetched> SafeFetch(std::string_view url, const ImportPolicy& policy);

}  // namespace noisett::net
