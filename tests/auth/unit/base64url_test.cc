// Strict base64url: RFC 4648 vectors, round trips, and every spelling a JWS must not accept.
#include "auth/base64url.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace noisett::auth {
namespace {

void ExpectRefused(std::string_view text) {
  const auto decoded = Base64UrlDecode(text);
  EXPECT_FALSE(decoded.has_value()) << "'" << text << "' decoded to " << decoded->size() << " bytes";
}

TEST(Base64UrlTest, Rfc4648Vectors) {
  // RFC 4648 §10, without the padding base64url drops.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},       {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    const auto decoded = Base64UrlDecode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  // 0xfb 0xff is "+/8=" in standard base64: the two characters base64url replaces.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
  EXPECT_EQ(Base64UrlEncode(std::string("\0\0\0", 3)), "AAAA");
}

TEST(Base64UrlTest, RoundTripsEveryLengthUpTo64) {
  std::mt19937 rng(20261123);  // fixed: a failure must reproduce
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t length = 0; length <= 64; ++length) {
    for (int trial = 0; trial < 8; ++trial) {
      std::string bytes(length, '\0');
      for (char& c : bytes) c = static_cast<char>(byte(rng));
      const std::string encoded = Base64UrlEncode(bytes);
      EXPECT_EQ(encoded.size(), (length * 4 + 2) / 3) << "length " << length;
      EXPECT_EQ(encoded.find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                std::string::npos)
          << encoded;
      const auto decoded = Base64UrlDecode(encoded);
      ASSERT_TRUE(decoded.has_value()) << "length " << length << ": " << encoded;
      EXPECT_EQ(*decoded, bytes) << "length " << length;
    }
  }
}

TEST(Base64UrlTest, RefusesPadding) {
  ExpectRefused("Zg==");
  ExpectRefused("Zm8=");
  ExpectRefused("=");
  ExpectRefused("Zm9v====");
}

TEST(Base64UrlTest, RefusesTheStandardAlphabetExtras) {
  ExpectRefused("+/8");
  ExpectRefused("-/8");
  ExpectRefused("+_8");
}

TEST(Base64UrlTest, RefusesWhitespaceDotsAndControlBytes) {
  ExpectRefused("Zm 9v");
  ExpectRefused(" Zm9v");
  ExpectRefused("Zm9v ");
  ExpectRefused("Zm9v\n");
  ExpectRefused("Zm\r\n9v");
  ExpectRefused("Zm\t9v");
  ExpectRefused("Zm.9v");
  ExpectRefused(".");
  ExpectRefused(std::string_view("Zm\09v", 5));
}

TEST(Base64UrlTest, RefusesNonAscii) {
  ExpectRefused("Zm9\xc3\xa9");  // é in UTF-8
  ExpectRefused("\xff\xff\xff\xff");
  ExpectRefused("Zm9\x80");
}

TEST(Base64UrlTest, RefusesImpossibleLengths) {
  // 4n+1 characters carry 6 bits past a whole byte boundary: no byte string encodes to that.
  ExpectRefused("A");
  ExpectRefused("Zm9vY");
  ExpectRefused("Zm9vYmFyZ");
}

TEST(Base64UrlTest, RefusesNonZeroTrailingBits) {
  // "QQ" is 'A' (010000 01|0000); "QR" sets a bit that is not part of any byte.
  EXPECT_EQ(Base64UrlDecode("QQ"), std::string("A"));
  ExpectRefused("QR");
  ExpectRefused("QX");
  // Three characters: 16 bits + 2 spare bits.
  EXPECT_EQ(Base64UrlDecode("QUE"), std::string("AA"));
  ExpectRefused("QUF");
  ExpectRefused("QUH");
}

TEST(Base64UrlTest, EmptyDecodesToEmpty) {
  const auto decoded = Base64UrlDecode("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

}  // namespace
}  // namespace noisett::auth
