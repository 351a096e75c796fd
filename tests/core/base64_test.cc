// Base64 and base64url: RFC 4648 vectors, round trips of every length and byte, and every spelling
// the strict decoders must refuse (padding in the wrong place, the other alphabet, whitespace,
// non-ASCII bytes, stray trailing bits, impossible lengths).
#include "core/base64.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace noisett {
namespace {

// `decode` refuses `text` with kInvalidArgument `reason`.
void ExpectRefusedBy(Result<std::string> (*decode)(std::string_view), std::string_view reason,
                     std::string_view text) {
  const auto decoded = decode(text);
  ASSERT_FALSE(decoded.has_value())
      << "'" << text << "' decoded to " << decoded->size() << " bytes";
  EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(decoded.error().reason, reason);
}

void ExpectBase64Refused(std::string_view text) {
  ExpectRefusedBy(Base64Decode, "bad_base64", text);
}

void ExpectBase64UrlRefused(std::string_view text) {
  ExpectRefusedBy(Base64UrlDecode, "bad_base64url", text);
}

TEST(Base64Test, Rfc4648Vectors) {
  // RFC 4648 §10; base64url writes the same without the padding.
  struct Vector {
    std::string plain, standard, url;
  };
  const Vector vectors[] = {{"", "", ""},
                            {"f", "Zg==", "Zg"},
                            {"fo", "Zm8=", "Zm8"},
                            {"foo", "Zm9v", "Zm9v"},
                            {"foob", "Zm9vYg==", "Zm9vYg"},
                            {"fooba", "Zm9vYmE=", "Zm9vYmE"},
                            {"foobar", "Zm9vYmFy", "Zm9vYmFy"}};
  for (const Vector& v : vectors) {
    EXPECT_EQ(Base64Encode(v.plain), v.standard);
    EXPECT_EQ(Base64UrlEncode(v.plain), v.url);
    EXPECT_EQ(Base64Decode(v.standard).value_or("?"), v.plain) << v.standard;
    EXPECT_EQ(Base64UrlDecode(v.url).value_or("?"), v.plain) << v.url;
  }
}

TEST(Base64Test, TheTwoAlphabetsDifferOnlyInTheirLastTwoCharacters) {
  // 0xfb 0xff is "+/8=" in standard base64: the two characters base64url replaces.
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64Decode("+/8=").value_or("?"), "\xfb\xff");
  EXPECT_EQ(Base64UrlDecode("-_8").value_or("?"), "\xfb\xff");
  EXPECT_EQ(Base64Encode(std::string("\0\0\0", 3)), "AAAA");
  EXPECT_EQ(Base64UrlEncode(std::string("\0\0\0", 3)), "AAAA");
  ExpectBase64Refused("-_8=");
  ExpectBase64UrlRefused("+/8");
  ExpectBase64UrlRefused("-/8");
  ExpectBase64UrlRefused("+_8");
}

TEST(Base64Test, EveryByteAndLengthRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Decode(Base64Encode(all)).value_or("?"), all);
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all)).value_or("?"), all);

  std::mt19937 rng(20261123);  // fixed: a failure must reproduce
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t length = 0; length <= 64; ++length) {
    for (int trial = 0; trial < 8; ++trial) {
      std::string bytes(length, '\0');
      for (char& c : bytes) c = static_cast<char>(byte(rng));
      const std::string standard = Base64Encode(bytes);
      const std::string url = Base64UrlEncode(bytes);
      EXPECT_EQ(standard.size(), (length + 2) / 3 * 4) << "length " << length;
      EXPECT_EQ(url.size(), (length * 4 + 2) / 3) << "length " << length;
      EXPECT_EQ(standard.find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
                std::string::npos);
      EXPECT_EQ(
          url.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
          std::string::npos);
      // The same sextets: the url spelling is the standard one with its alphabet swapped and
      // its padding dropped.
      std::string swapped = standard.substr(0, standard.find('='));
      for (char& c : swapped) c = c == '+' ? '-' : c == '/' ? '_' : c;
      EXPECT_EQ(url, swapped);
      ASSERT_EQ(Base64Decode(standard).value_or("?"), bytes) << standard;
      ASSERT_EQ(Base64UrlDecode(url).value_or("?"), bytes) << url;
    }
  }
}

TEST(Base64Test, EmptyDecodesToEmpty) {
  EXPECT_EQ(Base64Decode("").value_or("?"), "");
  EXPECT_EQ(Base64UrlDecode("").value_or("?"), "");
}

TEST(Base64Test, RefusesPaddingAnywhereButTheEnd) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "=", "==", "===", "Z===", "====", "Zg==Zg==",
                          "Zm8=Zm8=", "Z=g=", "Zg=A", "=Zg=", "Zm9v====", "Zm9vY===", "Zm8A="}) {
    ExpectBase64Refused(bad);
  }
}

TEST(Base64UrlTest, RefusesAnyPadding) {
  for (const char* bad : {"Zg==", "Zm8=", "=", "==", "Zm9v====", "Zm9vYg==", "Z=g"}) {
    ExpectBase64UrlRefused(bad);
  }
}

TEST(Base64Test, RefusesWhitespaceControlBytesAndNonAscii) {
  const std::string_view bad_standard[] = {"Zm9v\n",
                                           " Zm9v",
                                           "Zm9v ",
                                           "Zm 9",
                                           "Zm\r\n9v",
                                           "Zm\t9v=",
                                           "Zm.v",
                                           "Zm9\x80",
                                           "Zm9\xff",
                                           "Zm\xc3\xa9",
                                           std::string_view("Zm\09v", 5),
                                           std::string_view("Zm9\0", 4)};
  for (std::string_view bad : bad_standard) ExpectBase64Refused(bad);
  const std::string_view bad_url[] = {"Zm 9v",       " Zm9v",
                                      "Zm9v ",       "Zm9v\n",
                                      "Zm\r\n9v",    "Zm\t9v",
                                      "Zm.9v",       ".",
                                      "Zm9\xc3\xa9", "\xff\xff\xff\xff",
                                      "Zm9\x80",     std::string_view("Zm\09v", 5)};
  for (std::string_view bad : bad_url) ExpectBase64UrlRefused(bad);
}

TEST(Base64UrlTest, RefusesImpossibleLengths) {
  // 4n+1 characters carry 6 bits past a whole byte boundary: no byte string encodes to that.
  for (const char* bad : {"A", "Zm9vY", "Zm9vYmFyZ"}) ExpectBase64UrlRefused(bad);
}

TEST(Base64Test, RefusesNonZeroTrailingBits) {
  // "QQ" is 'A' (010000 01|0000); "QR" sets a bit that is not part of any byte.
  EXPECT_EQ(Base64UrlDecode("QQ").value_or("?"), "A");
  EXPECT_EQ(Base64Decode("QQ==").value_or("?"), "A");
  for (const char* bad : {"QR", "QX", "QUF", "QUH"}) ExpectBase64UrlRefused(bad);
  for (const char* bad : {"QR==", "QX==", "QUF=", "QUH=", "Zh==", "Zm9="}) ExpectBase64Refused(bad);
  // Three characters: 16 bits + 2 spare bits.
  EXPECT_EQ(Base64UrlDecode("QUE").value_or("?"), "AA");
  EXPECT_EQ(Base64Decode("QUE=").value_or("?"), "AA");
}

TEST(Base64Test, RefusalsSayWhy) {
  EXPECT_EQ(Base64Decode("Zg=").error().message,
            "not standard padded base64: length is not a multiple of 4");
  EXPECT_EQ(Base64Decode("Zm-v").error().message,
            "not standard padded base64: unexpected character");
  EXPECT_EQ(Base64Decode("Zh==").error().message,
            "not standard padded base64: non-canonical trailing bits");
  EXPECT_EQ(Base64UrlDecode("Zm9vY").error().message, "not unpadded base64url: impossible length");
}

}  // namespace
}  // namespace noisett
