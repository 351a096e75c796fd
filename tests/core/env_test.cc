// ParseUintWithSuffix grammar and the environment lookups built on it.
#include "core/env.h"

#include <gtest/gtest.h>

#include <cstdlib>
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

// Each test uses its own variable name so tests never see each other's settings.
class EnvTest : public ::testing::Test {
 protected:
  static constexpr const char* kVar = "NOISETT_TEST_ENV_VALUE";
  void SetUp() override { ::unsetenv(kVar); }
  void TearDown() override { ::unsetenv(kVar); }
};

TEST_F(EnvTest, GetEnvUnsetAndEmptyAreNullopt) {
  EXPECT_FALSE(GetEnv(kVar).has_value());
  ASSERT_EQ(::setenv(kVar, "", 1), 0);
  EXPECT_FALSE(GetEnv(kVar).has_value());
  ASSERT_EQ(::setenv(kVar, "x y", 1), 0);
  ASSERT_TRUE(GetEnv(kVar).has_value());
  EXPECT_EQ(*GetEnv(kVar), "x y");
}

TEST_F(EnvTest, GetEnvUintFallsBackWhenUnset) {
  auto r = GetEnvUint(kVar, 1234);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 1234u);
}

TEST_F(EnvTest, GetEnvUintFallsBackWhenEmpty) {
  ASSERT_EQ(::setenv(kVar, "", 1), 0);
  auto r = GetEnvUint(kVar, 99);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 99u);
}

TEST_F(EnvTest, GetEnvUintReadsPlainAndSuffixed) {
  ASSERT_EQ(::setenv(kVar, "5000", 1), 0);
  auto plain = GetEnvUint(kVar, 1);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, 5000u);

  ASSERT_EQ(::setenv(kVar, "10M", 1), 0);
  auto suffixed = GetEnvUint(kVar, 1);
  ASSERT_TRUE(suffixed);
  EXPECT_EQ(*suffixed, 10u << 20);

  ASSERT_EQ(::unsetenv(kVar), 0);
  auto back = GetEnvUint(kVar, 1);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, 1u);
}

TEST_F(EnvTest, GetEnvUintNamesTheVariableOnError) {
  ASSERT_EQ(::setenv(kVar, "lots", 1), 0);
  auto r = GetEnvUint(kVar, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().reason, "bad_config");
  EXPECT_NE(r.error().message.find(kVar), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("lots"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace noisett
