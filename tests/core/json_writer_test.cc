// JsonWriter against nlohmann's dump(): the same values must print the same bytes, so answers
// written directly and answers printed from a tree cannot drift apart.
#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace noisett {
namespace {

std::string Dumped(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Written(std::string_view text) {
  JsonWriter out;
  out.Value(text);
  return std::move(out).Take();
}

TEST(JsonWriterTest, NestedContainersMatchNlohmann) {
  JsonWriter out;
  out.BeginObject()
      .Key("a")
      .BeginArray()
      .Value(1)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .Value("x")
      .Value(nullptr)
      .EndArray()
      .Member("b", true)
      .Key("c")
      .BeginObject()
      .Member("d", false)
      .Member("e", std::string("f"))
      .EndObject()
      .EndObject();
  const nlohmann::json tree = {{"a", {1, nlohmann::json::object(), nlohmann::json::array(), "x",
                                      nullptr}},
                               {"b", true},
                               {"c", {{"d", false}, {"e", "f"}}}};
  EXPECT_EQ(out.text(), R"({"a":[1,{},[],"x",null],"b":true,"c":{"d":false,"e":"f"}})");
  EXPECT_EQ(out.text(), Dumped(tree));
}

TEST(JsonWriterTest, IntegersAtTheirLimits) {
  JsonWriter out;
  out.BeginArray()
      .Value(std::numeric_limits<int64_t>::min())
      .Value(std::numeric_limits<int64_t>::max())
      .Value(std::numeric_limits<uint64_t>::max())
      .Value(0)
      .Value(-7)
      .Value(size_t{42})
      .EndArray();
  const nlohmann::json tree = {std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max(),
                               std::numeric_limits<uint64_t>::max(), 0, -7, size_t{42}};
  EXPECT_EQ(out.text(), Dumped(tree));
}

TEST(JsonWriterTest, EveryByteAloneIsEscapedAsNlohmannDoes) {
  for (int c = 0; c < 256; ++c) {
    const std::string text(1, static_cast<char>(c));
    EXPECT_EQ(Written(text), Dumped(text)) << "byte " << c;
  }
}

TEST(JsonWriterTest, ControlBytesQuotesAndBackslashes) {
  EXPECT_EQ(Written("a\"b\\c\n\t\r\b\f\x01\x1f\x7f"),
            R"("a\"b\\c\n\t\r\b\f\u0001\u001f)" "\x7f\"");
}

TEST(JsonWriterTest, WellFormedUtf8IsKept) {
  const std::string text = "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(Written(text), "\"" + text + "\"");
}

TEST(JsonWriterTest, MalformedUtf8BecomesReplacementCharacters) {
  // An overlong '/', a surrogate, a lone continuation byte, a sequence cut by ASCII, one cut by
  // the end of the string, and a code point past U+10FFFF.
  for (const std::string text : {"\xC0\xAF", "\xED\xA0\x80", "\x80", "\xE6\x97x", "ok\xF0\x9F\x98",
                                 "\xF4\x90\x80\x80"}) {
    const std::string written = Written(text);
    EXPECT_NE(written.find("\xEF\xBF\xBD"), std::string::npos) << written;
    EXPECT_EQ(written, Dumped(text));
  }
}

// Plain runs are scanned 8 bytes at a time: a byte to escape or check must be found at every
// offset of such a word, and at the edges between words.
TEST(JsonWriterTest, OneSpecialByteAtEveryOffsetOfALongPlainString) {
  const std::string plain = "https://noisett.example/blobs/images/generated/u/j/image_0.jpg";
  for (const std::string special : {"\"", "\\", "\x01", "\x1F", "\x7F", "\xC3\xA9", "\x80", "\xFF",
                                    "\xE6\x97"}) {
    for (size_t at = 0; at <= plain.size(); ++at) {
      const std::string text = plain.substr(0, at) + special + plain.substr(at);
      ASSERT_EQ(Written(text), Dumped(text)) << "at " << at;
    }
  }
}

// Strings of bytes drawn mostly from the ones that start, continue or break UTF-8 sequences.
TEST(JsonWriterTest, RandomBytesMatchNlohmann) {
  const unsigned char alphabet[] = {'a', '"', '\\', 0x00, 0x1F, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                    0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0,
                                    0xF1, 0xF4, 0xF5, 0xFF};
  std::mt19937 random(20261124);
  std::uniform_int_distribution<size_t> length(0, 12), pick(0, sizeof alphabet - 1);
  for (int round = 0; round < 50000; ++round) {
    std::string text(length(random), '\0');
    for (char& c : text) c = static_cast<char>(alphabet[pick(random)]);
    ASSERT_EQ(Written(text), Dumped(text)) << "round " << round;
  }
}

std::string Written(double number) {
  JsonWriter out;
  out.Value(number);
  return out.text();
}

// What the API writes (size_mb: hundredths of a MiB) and the edges of nlohmann's plain and
// scientific spellings.
TEST(JsonWriterTest, DoublesAreSpelledAsNlohmannSpellsThem) {
  for (int hundredths = 0; hundredths <= 200000; ++hundredths) {
    const double value = hundredths / 100.0;
    ASSERT_EQ(Written(value), nlohmann::json(value).dump()) << hundredths;
    ASSERT_EQ(Written(-value), nlohmann::json(-value).dump()) << hundredths;
  }
  for (double edge : {1e-6, 1e-5, 1.5e-5, 9.99e-5, 1e-4, 1.5e-4, 0.001, 0.1, 1.0, 1e14, 9.99e14,
                      1e15, 1.5e15, 1e16, 1e20, 1.5e20, 1e100, 1e-100, 5e-324, 1.7976931348623157e308,
                      0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 123456.789, 6.02214076e23}) {
    EXPECT_EQ(Written(edge), nlohmann::json(edge).dump()) << edge;
    EXPECT_EQ(Written(-edge), nlohmann::json(-edge).dump()) << -edge;
  }
  EXPECT_EQ(Written(-0.0), nlohmann::json(-0.0).dump());
  EXPECT_EQ(Written(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(Written(std::numeric_limits<double>::quiet_NaN()), "null");
}

// Doubles of up to 15 significant digits over every magnitude. Where the spellings differ
// (nlohmann's Grisu2 sometimes gives 16-17 digits where fewer read back the same), both must
// read back as the value and this writer's must be the shorter.
TEST(JsonWriterTest, RandomShortDoublesReadBackAndAreNeverLongerThanNlohmanns) {
  std::mt19937_64 random(20261124);
  std::uniform_int_distribution<int64_t> mantissa(1, 999'999'999'999'999);
  std::uniform_int_distribution<int> exponent(-30, 30);
  int differ = 0;
  constexpr int kValues = 50'000;
  for (int i = 0; i < kValues; ++i) {
    const double value = std::stod(std::to_string(mantissa(random)) + "e" +
                                   std::to_string(exponent(random)));
    const std::string ours = Written(value);
    const std::string theirs = nlohmann::json(value).dump();
    if (ours == theirs) continue;
    ++differ;
    ASSERT_EQ(nlohmann::json::parse(ours).get<double>(), value) << ours;
    ASSERT_EQ(nlohmann::json::parse(theirs).get<double>(), value) << theirs;
    ASSERT_LT(ours.size(), theirs.size()) << ours << " vs " << theirs;
  }
  EXPECT_LT(differ, kValues / 100) << "spelled differently from nlohmann";
  std::cout << "[ note ] " << differ << " of " << kValues << " spelled shorter than nlohmann\n";
}

}  // namespace
}  // namespace noisett
