// Which IP addresses a user-named URL may reach (SafeFetch's SSRF guard): the internal classes
// (loopback, private, link-local, multicast, unspecified, reserved...) are refused unless an
// operator-allowed range contains the address. Pure: no sockets, no DNS.
//
// Addresses are 4 or 16 bytes in network order. An IPv6 address that carries an IPv4 one
// (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::) is judged by the
// IPv4 address inside it, so no IPv6 spelling reaches what its IPv4 form could not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "net/safe_fetch.h"

namespace noisett::net {

using IpBytes = std::vector<uint8_t>;

// "a.b.c.d" or an IPv6 literal (no brackets, no zone) -> 4 or 16 bytes; nullopt otherwise.
// Only the strict dotted quad is accepted for IPv4 (no "127.1", no hex or octal parts).
std::optional<IpBytes> ParseIpLiteral(std::string_view text);

// "10.1.2.3", "10.0.0.0/8", "::1", "fd00::/8": host bits are cleared. Errors: kInvalidArgument
// "bad_ip_range".
Result<IpRange> ParseIpRange(std::string_view text);

bool RangeContains(const IpRange& range, const IpBytes& address);

// The IPv4 address carried by an IPv4-mapped, IPv4-translated, NAT64 or 6to4 IPv6 address.
std::optional<IpBytes> EmbeddedIpv4(const IpBytes& address);

// The internal class of `address` ("loopback", "private", "link-local", "multicast",
// "unspecified", "shared", "reserved", "benchmarking", "documentation", ...), or "" when it is
// a public address. Malformed input (not 4 or 16 bytes) is "invalid".
std::string_view InternalClass(const IpBytes& address);

// "" when `address` may be reached under `allow`, else the class that refuses it. An allowed
// range may name the address itself or, for an IPv6 address carrying an IPv4 one, that IPv4.
std::string_view RefusedClass(const IpBytes& address, const std::vector<IpRange>& allow);

// "127.0.0.1", "::1".
std::string FormatIp(const IpBytes& address);

}  // namespace noisett::net
