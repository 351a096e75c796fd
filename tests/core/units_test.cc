// The size and duration grammars operators type.
#include "core/units.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace noisett {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

uint64_t ParseOk(const std::string& text) {
  auto r = ParseUintWithSuffix(text, "test");
  EXPECT_TRUE(r) << "'" << text << "': " << (r ? "" : r.error().ToString());
  return r ? *r : 0;
}

void ExpectBad(const std::string& text) {
  auto r = ParseUintWithSuffix(text, "the_setting");
  ASSERT_FALSE(r) << "'" << text << "' parsed as " << *r;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().reason, "bad_config");
  EXPECT_NE(r.error().message.find("the_setting"), std::string::npos) << r.error().message;
}

TEST(ParseUintWithSuffixTest, PlainNumbers) {
  EXPECT_EQ(ParseOk("0"), 0u);
  EXPECT_EQ(ParseOk("1"), 1u);
  EXPECT_EQ(ParseOk("10485760"), 10485760u);
  EXPECT_EQ(ParseOk("40000000"), 40000000u);
  EXPECT_EQ(ParseOk("007"), 7u);
  EXPECT_EQ(ParseOk("18446744073709551615"), kMax);
}

TEST(ParseUintWithSuffixTest, BinarySuffixes) {
  EXPECT_EQ(ParseOk("1K"), 1024u);
  EXPECT_EQ(ParseOk("10M"), 10u << 20);
  EXPECT_EQ(ParseOk("3G"), 3ull << 30);
  EXPECT_EQ(ParseOk("0K"), 0u);
  // Lower case is accepted too.
  EXPECT_EQ(ParseOk("2k"), 2048u);
  EXPECT_EQ(ParseOk("5m"), 5u << 20);
  EXPECT_EQ(ParseOk("1g"), 1ull << 30);
}

TEST(ParseUintWithSuffixTest, Overflow) {
  ExpectBad("18446744073709551616");                         // max + 1
  ExpectBad("99999999999999999999999999");                   // far past max
  EXPECT_EQ(ParseOk("17179869183G"), 17179869183ull << 30);  // largest G that fits
  ExpectBad("17179869184G");                                 // 2^34 G = 2^64
  ExpectBad("18014398509481984K");                           // 2^54 K = 2^64
  ExpectBad("18446744073709551615K");
}

TEST(ParseUintWithSuffixTest, Garbage) {
  ExpectBad("");
  ExpectBad("K");
  ExpectBad("-1");
  ExpectBad("+1");
  ExpectBad(" 1");
  ExpectBad("1 ");
  ExpectBad("1.5M");
  ExpectBad("10MB");
  ExpectBad("10T");
  ExpectBad("10KK");
  ExpectBad("abc");
  ExpectBad("0x10");
  ExpectBad("1e6");
}

TEST(ParseUintWithSuffixTest, ErrorQuotesTheInput) {
  auto r = ParseUintWithSuffix("12Q", "max-pixels");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'12Q'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("max-pixels"), std::string::npos) << r.error().message;
}

TEST(ParseDurationTest, UnitsAndPlainSeconds) {
  EXPECT_EQ(*ParseDuration("90"), 90);
  EXPECT_EQ(*ParseDuration("90s"), 90);
  EXPECT_EQ(*ParseDuration("30m"), 1800);
  EXPECT_EQ(*ParseDuration("1h"), 3600);
  EXPECT_EQ(*ParseDuration("7d"), 7 * 86400);
  EXPECT_EQ(*ParseDuration("0"), 0);
}

TEST(ParseDurationTest, RefusesWhatIsNotADuration) {
  for (const char* bad : {"", "s", "1y", "-1h", "1.5h", "1 h", "h1", "abc", "1234567890123"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().reason, "bad_duration") << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace noisett
