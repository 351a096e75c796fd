// ASCII case rules: only A-Z and a-z fold, whatever the byte or locale.
#include "core/text.h"

#include <gtest/gtest.h>

#include <clocale>
#include <string>

namespace noisett {
namespace {

TEST(AsciiLowerTest, FoldsOnlyAsciiLetters) {
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const char want = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : ch;
    EXPECT_EQ(AsciiLower(ch), want) << c;
  }
  static_assert(AsciiLower('Q') == 'q');
}

TEST(AsciiLowercaseTest, LowersLettersAndKeepsEverythingElse) {
  EXPECT_EQ(AsciiLowercase("X-MS-Date"), "x-ms-date");
  EXPECT_EQ(AsciiLowercase(""), "");
  EXPECT_EQ(AsciiLowercase("Hot 123 [@`{]"), "hot 123 [@`{]");
  // UTF-8 stays byte for byte: "ÄÖ" is not folded, and neither is a Latin-1 0xC4.
  EXPECT_EQ(AsciiLowercase("\xC3\x84\xC3\x96"), "\xC3\x84\xC3\x96");
  EXPECT_EQ(AsciiLowercase("\xC4"), "\xC4");
  EXPECT_EQ(AsciiLowercase(std::string("A\0B", 3)), std::string("a\0b", 3));
}

TEST(EqualsIgnoreCaseTest, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_TRUE(EqualsIgnoreCase("bearer", "BEARER"));
  EXPECT_FALSE(EqualsIgnoreCase("bearer", "bearer "));
  EXPECT_FALSE(EqualsIgnoreCase("bearer", "bearex"));
  EXPECT_FALSE(EqualsIgnoreCase("a", ""));
  // '@' and '`' sit next to 'A' and 'a'; '[' and '{' next to 'Z' and 'z': none of them fold.
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));
  // Non-ASCII bytes are equal only to themselves.
  EXPECT_TRUE(EqualsIgnoreCase("caf\xC3\xA9", "CAF\xC3\xA9"));
  EXPECT_FALSE(EqualsIgnoreCase("caf\xC3\xA9", "caf\xC3\x89"));
  EXPECT_FALSE(EqualsIgnoreCase("\xC4", "\xE4"));  // Latin-1 Ä and ä
  EXPECT_FALSE(EqualsIgnoreCase(std::string("a\0", 2), "a "));
}

TEST(EqualsIgnoreCaseTest, IgnoresTheProcessLocale) {
  const char* previous = std::setlocale(LC_ALL, nullptr);
  const std::string saved = previous ? previous : "C";
  // Whatever locale is installed (C.UTF-8 at least), the answer must not change.
  if (std::setlocale(LC_ALL, "C.UTF-8") != nullptr) {
    EXPECT_FALSE(EqualsIgnoreCase("\xC4", "\xE4"));
    EXPECT_TRUE(EqualsIgnoreCase("Archive", "aRCHIVE"));
  }
  std::setlocale(LC_ALL, saved.c_str());
}

TEST(StartsWithIgnoreCaseTest, ComparesThePrefixOnly) {
  EXPECT_TRUE(StartsWithIgnoreCase("HTTPS://cdn.example", "https://"));
  EXPECT_TRUE(StartsWithIgnoreCase("bytes=0-1", "BYTES="));
  EXPECT_TRUE(StartsWithIgnoreCase("anything", ""));
  EXPECT_TRUE(StartsWithIgnoreCase("", ""));
  EXPECT_FALSE(StartsWithIgnoreCase("http", "https"));
  EXPECT_FALSE(StartsWithIgnoreCase("ftp://x", "http://"));
  EXPECT_FALSE(StartsWithIgnoreCase("\xC3\x84x", "\xC3\xA4"));
}

}  // namespace
}  // namespace noisett
