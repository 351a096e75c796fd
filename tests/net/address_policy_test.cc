// The address classes SafeFetch refuses, and the operator's ranges that let some through.
#include "net/address_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace noisett::net {
namespace {

IpBytes Ip(const std::string& text) {
  auto ip = ParseIpLiteral(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpBytes{});
}

IpRange Range(const std::string& text) {
  auto range = ParseIpRange(text);
  EXPECT_TRUE(range.has_value()) << text;
  return range ? *range : IpRange{};
}

std::string Class(const std::string& ip) { return std::string(InternalClass(Ip(ip))); }

TEST(AddressPolicy, RefusesEveryInternalIpv4Class) {
  EXPECT_EQ(Class("0.0.0.0"), "unspecified");
  EXPECT_EQ(Class("0.1.2.3"), "unspecified");
  EXPECT_EQ(Class("127.0.0.1"), "loopback");
  EXPECT_EQ(Class("127.255.255.254"), "loopback");
  EXPECT_EQ(Class("10.0.0.1"), "private");
  EXPECT_EQ(Class("172.16.0.1"), "private");
  EXPECT_EQ(Class("172.31.255.255"), "private");
  EXPECT_EQ(Class("192.168.1.1"), "private");
  EXPECT_EQ(Class("100.64.0.1"), "shared");
  EXPECT_EQ(Class("100.127.255.255"), "shared");
  EXPECT_EQ(Class("169.254.169.254"), "link-local");
  EXPECT_EQ(Class("192.0.0.8"), "reserved");
  EXPECT_EQ(Class("198.18.0.1"), "benchmarking");
  EXPECT_EQ(Class("198.19.255.255"), "benchmarking");
  EXPECT_EQ(Class("224.0.0.1"), "multicast");
  EXPECT_EQ(Class("239.255.255.250"), "multicast");
  EXPECT_EQ(Class("240.0.0.1"), "reserved");
  EXPECT_EQ(Class("255.255.255.255"), "broadcast");
  EXPECT_EQ(Class("192.0.2.1"), "documentation");
}

TEST(AddressPolicy, RangeEdgesStayPublic) {
  EXPECT_EQ(Class("8.8.8.8"), "");
  EXPECT_EQ(Class("1.1.1.1"), "");
  EXPECT_EQ(Class("172.15.255.255"), "");  // just below 172.16/12
  EXPECT_EQ(Class("172.32.0.0"), "");      // just above
  EXPECT_EQ(Class("100.63.255.255"), "");
  EXPECT_EQ(Class("100.128.0.0"), "");
  EXPECT_EQ(Class("169.253.255.255"), "");
  EXPECT_EQ(Class("198.17.255.255"), "");
  EXPECT_EQ(Class("198.20.0.0"), "");
  EXPECT_EQ(Class("223.255.255.255"), "");
  EXPECT_EQ(Class("11.0.0.0"), "");
  EXPECT_EQ(Class("2606:4700:4700::1111"), "");
  EXPECT_EQ(Class("2a00:1450:4001::200e"), "");
}

TEST(AddressPolicy, RefusesEveryInternalIpv6Class) {
  EXPECT_EQ(Class("::"), "unspecified");
  EXPECT_EQ(Class("::1"), "loopback");
  EXPECT_EQ(Class("fc00::1"), "private");
  EXPECT_EQ(Class("fd12:3456::1"), "private");
  EXPECT_EQ(Class("fe80::1"), "link-local");
  EXPECT_EQ(Class("febf::1"), "link-local");
  EXPECT_EQ(Class("ff02::1"), "multicast");
  EXPECT_EQ(Class("fec0::1"), "private");
  EXPECT_EQ(Class("2001:db8::1"), "documentation");
  EXPECT_EQ(Class("::7f00:1"), "reserved");  // IPv4-compatible ::127.0.0.1
}

TEST(AddressPolicy, JudgesIpv6FormsByTheIpv4Inside) {
  EXPECT_EQ(Class("::ffff:127.0.0.1"), "loopback");
  EXPECT_EQ(Class("::ffff:169.254.169.254"), "link-local");
  EXPECT_EQ(Class("::ffff:10.1.2.3"), "private");
  EXPECT_EQ(Class("::ffff:0:10.1.2.3"), "private");  // IPv4-translated
  EXPECT_EQ(Class("64:ff9b::127.0.0.1"), "loopback");    // NAT64
  EXPECT_EQ(Class("64:ff9b::a9fe:a9fe"), "link-local");
  EXPECT_EQ(Class("2002:7f00:1::1"), "loopback");        // 6to4 around 127.0.0.1
  EXPECT_EQ(Class("2002:c0a8:101::"), "private");        // 6to4 around 192.168.1.1
  EXPECT_EQ(Class("::ffff:8.8.8.8"), "");
  EXPECT_EQ(Class("2002:808:808::1"), "");
  EXPECT_EQ(Class("64:ff9b:1::1"), "private");           // local-use NAT64
}

TEST(AddressPolicy, ParsesOnlyStrictLiterals) {
  EXPECT_FALSE(ParseIpLiteral("127.1"));
  EXPECT_FALSE(ParseIpLiteral("0x7f.0.0.1"));
  EXPECT_FALSE(ParseIpLiteral("2130706433"));
  EXPECT_FALSE(ParseIpLiteral("fe80::1%eth0"));
  EXPECT_FALSE(ParseIpLiteral("[::1]"));
  EXPECT_FALSE(ParseIpLiteral(""));
  EXPECT_EQ(FormatIp(Ip("0:0::1")), "::1");
  EXPECT_EQ(FormatIp(Ip("10.0.0.1")), "10.0.0.1");
}

TEST(AddressPolicy, RangesClearHostBitsAndMatch) {
  const IpRange r = Range("10.1.2.3/8");
  EXPECT_EQ(r.prefix, 8);
  EXPECT_EQ(r.base, (IpBytes{10, 0, 0, 0}));
  EXPECT_TRUE(RangeContains(r, Ip("10.255.0.1")));
  EXPECT_FALSE(RangeContains(r, Ip("11.0.0.1")));
  EXPECT_TRUE(RangeContains(Range("172.16.0.0/12"), Ip("172.31.0.1")));
  EXPECT_FALSE(RangeContains(Range("172.16.0.0/12"), Ip("172.32.0.1")));
  EXPECT_TRUE(RangeContains(Range("127.0.0.1"), Ip("127.0.0.1")));
  EXPECT_FALSE(RangeContains(Range("127.0.0.1"), Ip("127.0.0.2")));
  EXPECT_TRUE(RangeContains(Range("fd00::/8"), Ip("fd12::1")));
  EXPECT_FALSE(RangeContains(Range("fd00::/8"), Ip("fc00::1")));
  EXPECT_TRUE(RangeContains(Range("0.0.0.0/0"), Ip("127.0.0.1")));
  EXPECT_FALSE(RangeContains(Range("0.0.0.0/0"), Ip("::1")));  // families never mix
}

TEST(AddressPolicy, BadRangesAreRefused) {
  for (const char* bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0/8",
                          "localhost", "10.0.0.0/-1", "10.0.0.0/8/8", "1.2.3.4.5"}) {
    auto r = ParseIpRange(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "bad_ip_range");
  }
}

TEST(AddressPolicy, AllowedRangesLetInternalAddressesThrough) {
  const std::vector<IpRange> allow = {Range("127.0.0.1"), Range("fd00::/8")};
  EXPECT_EQ(RefusedClass(Ip("127.0.0.1"), allow), "");
  EXPECT_EQ(RefusedClass(Ip("::ffff:127.0.0.1"), allow), "");  // the same address, mapped
  EXPECT_EQ(RefusedClass(Ip("127.0.0.2"), allow), "loopback");
  EXPECT_EQ(RefusedClass(Ip("fd00::5"), allow), "");
  EXPECT_EQ(RefusedClass(Ip("::1"), allow), "loopback");
  EXPECT_EQ(RefusedClass(Ip("169.254.169.254"), allow), "link-local");
  EXPECT_EQ(RefusedClass(Ip("8.8.8.8"), {}), "");
  EXPECT_EQ(RefusedClass(IpBytes{1, 2, 3}, allow), "invalid");
}

}  // namespace
}  // namespace noisett::net
