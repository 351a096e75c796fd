// Address classes from the IANA special-purpose registries (RFC 6890 and successors). A table of
// prefixes per family keeps the list reviewable; IPv6 forms that embed IPv4 defer to the IPv4
// table.
#include "net/address_policy.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace noisett::net {
namespace {

struct Prefix {
  std::array<uint8_t, 16> bytes;
  int bits;
  std::string_view name;
};

bool Matches(const uint8_t* address, const uint8_t* prefix, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(address, prefix, size_t(whole)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = uint8_t(0xff << (8 - rest));
  return (address[whole] & mask) == (prefix[whole] & mask);
}

// First match wins, so narrower entries come before the wider ones that contain them.
constexpr Prefix kV4[] = {
    {{0}, 8, "unspecified"},                // "this network", 0.0.0.0 included
    {{10}, 8, "private"},
    {{100, 64}, 10, "shared"},              // carrier-grade NAT
    {{127}, 8, "loopback"},
    {{169, 254}, 16, "link-local"},         // cloud metadata at 169.254.169.254
    {{172, 16}, 12, "private"},
    {{192, 0, 0}, 24, "reserved"},          // IETF protocol assignments
    {{192, 0, 2}, 24, "documentation"},
    {{192, 88, 99}, 24, "reserved"},        // 6to4 relay anycast
    {{192, 168}, 16, "private"},
    {{198, 18}, 15, "benchmarking"},
    {{198, 51, 100}, 24, "documentation"},
    {{203, 0, 113}, 24, "documentation"},
    {{224}, 4, "multicast"},
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{240}, 4, "reserved"},
};

constexpr Prefix kV6[] = {
    {{}, 128, "unspecified"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback"},
    {{}, 96, "reserved"},                   // IPv4-compatible (deprecated)
    {{0x01, 0x00}, 64, "reserved"},         // discard-only
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, "private"},  // local-use NAT64
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x20, 0x01, 0x00, 0x00}, 32, "reserved"},  // Teredo: the IPv4 inside is obfuscated
    {{0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48, "benchmarking"},
    {{0xfc}, 7, "private"},                 // unique local
    {{0xfe, 0x80}, 10, "link-local"},
    {{0xfe, 0xc0}, 10, "private"},          // site-local (deprecated)
    {{0xff}, 8, "multicast"},
};

std::string_view V4Class(const uint8_t* a) {
  for (const Prefix& p : kV4) {
    if (Matches(a, p.bytes.data(), p.bits)) return p.name;
  }
  return "";
}

bool AllowedBy(const IpBytes& address, const std::vector<IpRange>& allow) {
  for (const IpRange& range : allow) {
    if (RangeContains(range, address)) return true;
  }
  return false;
}

}  // namespace

std::optional<IpBytes> ParseIpLiteral(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  IpBytes out;
  if (s.find(':') == std::string::npos) {
    out.resize(4);
    // inet_pton (unlike inet_aton) takes only the strict dotted quad.
    if (inet_pton(AF_INET, s.c_str(), out.data()) != 1) return std::nullopt;
  } else {
    out.resize(16);
    if (inet_pton(AF_INET6, s.c_str(), out.data()) != 1) return std::nullopt;
  }
  return out;
}

Result<IpRange> ParseIpRange(std::string_view text) {
  const auto bad = [&](const char* why) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_ip_range",
                                std::string("'").append(text.substr(0, 100)) + "': " + why));
  };
  const size_t slash = text.find('/');
  const auto address = ParseIpLiteral(text.substr(0, slash));
  if (!address) return bad("not an IP address");
  const int max_bits = int(address->size() * 8);
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return bad("bad prefix length");
    bits = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return bad("bad prefix length");
      bits = bits * 10 + (c - '0');
    }
    if (bits > max_bits) return bad("prefix length too long for the address family");
  }
  IpRange range{*address, bits};
  for (int i = 0; i < max_bits; ++i) {
    if (i >= bits) range.base[size_t(i / 8)] &= uint8_t(~(0x80 >> (i % 8)));
  }
  return range;
}

bool RangeContains(const IpRange& range, const IpBytes& address) {
  if (range.base.size() != address.size()) return false;
  if (range.prefix < 0 || range.prefix > int(address.size() * 8)) return false;
  return Matches(address.data(), range.base.data(), range.prefix);
}

std::optional<IpBytes> EmbeddedIpv4(const IpBytes& a) {
  if (a.size() != 16) return std::nullopt;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr uint8_t kTranslated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (Matches(a.data(), kMapped, 96) || Matches(a.data(), kTranslated, 96) ||
      Matches(a.data(), kNat64, 96)) {
    return IpBytes(a.begin() + 12, a.end());
  }
  if (a[0] == 0x20 && a[1] == 0x02) return IpBytes(a.begin() + 2, a.begin() + 6);  // 6to4
  return std::nullopt;
}

std::string_view InternalClass(const IpBytes& address) {
  if (address.size() == 4) return V4Class(address.data());
  if (address.size() != 16) return "invalid";
  if (const auto v4 = EmbeddedIpv4(address)) return V4Class(v4->data());
  for (const Prefix& p : kV6) {
    if (Matches(address.data(), p.bytes.data(), p.bits)) return p.name;
  }
  return "";
}

std::string_view RefusedClass(const IpBytes& address, const std::vector<IpRange>& allow) {
  const std::string_view cls = InternalClass(address);
  if (cls.empty() || cls == "invalid") return cls;
  if (AllowedBy(address, allow)) return "";
  if (const auto v4 = EmbeddedIpv4(address); v4 && AllowedBy(*v4, allow)) return "";
  return cls;
}

std::string FormatIp(const IpBytes& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.size() == 4) inet_ntop(AF_INET, address.data(), text, sizeof text);
  if (address.size() == 16) inet_ntop(AF_INET6, address.data(), text, sizeof text);
  return text;
}

}  // namespace noisett::net
