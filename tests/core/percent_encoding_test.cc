// Percent-encoding: each kept set byte for byte, round trips of every byte, the two meanings of
// '+', and every broken escape the decoder must refuse.
#include "core/percent_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace noisett {
namespace {

std::string AllBytes() {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  return all;
}

// The bytes of all 256 that `keep` leaves as they are.
std::string Kept(PercentKeep keep) {
  std::string kept;
  for (char c : AllBytes()) {
    if (PercentEncode(std::string(1, c), keep) == std::string(1, c)) kept.push_back(c);
  }
  return kept;
}

constexpr const char* kAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

TEST(PercentEncodeTest, EachSetKeepsExactlyItsBytes) {
  const std::string alnum = kAlnum;
  EXPECT_EQ(Kept(PercentKeep::kLinkComponent), "-." + alnum.substr(0, 36) + "_" + alnum.substr(36));
  EXPECT_EQ(Kept(PercentKeep::kLinkPath), "-./" + alnum.substr(0, 36) + "_" + alnum.substr(36));
  EXPECT_EQ(Kept(PercentKeep::kUnreserved),
            "-." + alnum.substr(0, 36) + "_" + alnum.substr(36) + "~");
  EXPECT_EQ(Kept(PercentKeep::kUriComponent),
            "!'()*-." + alnum.substr(0, 36) + "_" + alnum.substr(36) + "~");
  std::string target;
  for (int c = 0; c < 0x80; ++c) {
    if (std::string_view(" \"<>\\^`{|}").find(char(c)) == std::string_view::npos) target += char(c);
  }
  EXPECT_EQ(Kept(PercentKeep::kRequestTarget), target);
}

TEST(PercentEncodeTest, EscapesWithUpperCaseHex) {
  EXPECT_EQ(PercentEncode("generated/alice/01JABC/image_0.jpg", PercentKeep::kLinkPath),
            "generated/alice/01JABC/image_0.jpg");
  EXPECT_EQ(PercentEncode("a b+c%d?e#f&g=h;i~j", PercentKeep::kLinkPath),
            "a%20b%2Bc%25d%3Fe%23f%26g%3Dh%3Bi%7Ej");
  EXPECT_EQ(PercentEncode("caf\xC3\xA9", PercentKeep::kLinkPath), "caf%C3%A9");
  EXPECT_EQ(PercentEncode("a/b:c", PercentKeep::kLinkComponent), "a%2Fb%3Ac");
  EXPECT_EQ(PercentEncode("uJuI+cs/U4=", PercentKeep::kLinkComponent), "uJuI%2Bcs%2FU4%3D");
  EXPECT_EQ(PercentEncode("a b~c/d+e%f", PercentKeep::kUnreserved), "a%20b~c%2Fd%2Be%25f");
  EXPECT_EQ(PercentEncode("it's (a*b)!~+/", PercentKeep::kUriComponent), "it's%20(a*b)!~%2B%2F");
  EXPECT_EQ(PercentEncode(std::string("\0\x7F\xFF", 3), PercentKeep::kUnreserved), "%00%7F%FF");
  EXPECT_EQ(PercentEncode("", PercentKeep::kUnreserved), "");
}

TEST(PercentEncodeTest, RequestTargetsKeepTheirEscapes) {
  EXPECT_EQ(PercentEncode("/a b/%41?q=\"x\"&r=<y>#z", PercentKeep::kRequestTarget),
            "/a%20b/%41?q=%22x%22&r=%3Cy%3E#z");
  EXPECT_EQ(PercentEncode("/caf\xC3\xA9{|}^`\\", PercentKeep::kRequestTarget),
            "/caf%C3%A9%7B%7C%7D%5E%60%5C");
}

TEST(PercentEncodeTest, AppendsToWhatIsThere) {
  std::string out = "https://h/";
  AppendPercentEncoded(out, "a b/c", PercentKeep::kLinkPath);
  out += '?';
  AppendPercentEncoded(out, "a b/c", PercentKeep::kLinkComponent);
  EXPECT_EQ(out, "https://h/a%20b/c?a%20b%2Fc");
}

TEST(PercentEncodeTest, EverySetRoundTripsEveryByte) {
  for (const std::string& s : {AllBytes(), std::string("dir/with space/ünïcødé+%2F.jpg")}) {
    for (PercentKeep keep : {PercentKeep::kLinkComponent, PercentKeep::kLinkPath,
                             PercentKeep::kUnreserved, PercentKeep::kUriComponent}) {
      const std::string encoded = PercentEncode(s, keep);
      EXPECT_EQ(encoded.find_first_of(" +&=?#"), std::string::npos) << encoded;
      auto back = PercentDecode(encoded);
      ASSERT_TRUE(back);
      EXPECT_EQ(*back, s);
      auto form = PercentDecode(encoded, PlusMeans::kSpace);  // no raw '+' is ever written
      ASSERT_TRUE(form);
      EXPECT_EQ(*form, s);
    }
  }
}

TEST(PercentDecodeTest, PlusIsItselfUnlessAskedForForms) {
  auto plain = PercentDecode("a+b%20c%2bd");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, "a+b c+d");
  auto form = PercentDecode("a+b%20c%2bd", PlusMeans::kSpace);
  ASSERT_TRUE(form);
  EXPECT_EQ(*form, "a b c+d");
  EXPECT_EQ(PercentDecode("+", PlusMeans::kSpace).value_or("?"), " ");
  EXPECT_EQ(PercentDecode("%2B%2b", PlusMeans::kSpace).value_or("?"), "++");
}

TEST(PercentDecodeTest, DecodesEitherHexCaseToAnyByte) {
  EXPECT_EQ(PercentDecode("%e2%82%AC").value_or("?"), "\xE2\x82\xAC");
  EXPECT_EQ(PercentDecode("%00").value_or("?"), std::string(1, '\0'));
  EXPECT_EQ(PercentDecode("%2F%2f").value_or("?"), "//");
  EXPECT_EQ(PercentDecode("%25").value_or("?"), "%");
  EXPECT_EQ(PercentDecode("%2541").value_or("?"), "%41");  // decoded once, never twice
  EXPECT_EQ(PercentDecode("caf\xC3\xA9").value_or("?"), "caf\xC3\xA9");  // raw UTF-8 passes
  EXPECT_EQ(PercentDecode("").value_or("?"), "");
}

TEST(PercentDecodeTest, RefusesBrokenEscapes) {
  for (const char* bad :
       {"%", "%2", "a%2", "%zz", "%2g", "%g2", "%%41", "a%", "%+1", "% 1", "%-1", "%0x", "100%"}) {
    for (PlusMeans plus : {PlusMeans::kPlus, PlusMeans::kSpace}) {
      auto r = PercentDecode(bad, plus);
      ASSERT_FALSE(r) << bad;
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(r.error().reason, "bad_percent_encoding");
    }
  }
  EXPECT_FALSE(PercentDecode(std::string_view("%4\0", 3)));
  EXPECT_FALSE(PercentDecode("%\xC3\xA9"));
}

}  // namespace
}  // namespace noisett
