// ReadFlatJsonObject: the strict JSON reader behind token headers and claims. Grammar cases one by
// one, the depth limit, and a small deterministic differential check against nlohmann (the
// reader's contract: whatever it accepts, nlohmann accepts with the same values).
#include "auth/flat_json.h"

#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace noisett::auth {
namespace {

using Kind = FlatJsonMember::Kind;

std::vector<FlatJsonMember> MustRead(std::string_view text) {
  auto members = ReadFlatJsonObject(text);
  EXPECT_TRUE(members) << "refused: " << text << " (" << members.error().ToString() << ")";
  return members ? *members : std::vector<FlatJsonMember>{};
}

void ExpectRefused(std::string_view text) {
  auto members = ReadFlatJsonObject(text);
  EXPECT_FALSE(members) << "accepted: " << text;
  if (!members) {
    EXPECT_EQ(members.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(members.error().reason, "bad_json");
  }
}

// The value of member `key` given as a JSON string literal body, e.g. StringValue(R"(\n)").
std::string StringValue(std::string_view literal_body) {
  const auto members = MustRead("{\"s\":\"" + std::string(literal_body) + "\"}");
  if (members.size() != 1 || members[0].kind != Kind::kString) return "<not a string>";
  return members[0].string;
}

void ExpectBadString(std::string_view literal_body) {
  ExpectRefused("{\"s\":\"" + std::string(literal_body) + "\"}");
}

TEST(FlatJsonTest, ReadsEveryKindOfMember) {
  const auto m = MustRead(
      R"( {"s":"text", "n":-12.5e1, "t":true, "f":false, "z":null, "a":["x",1,"y",{"k":[]}],)"
      R"( "o":{"deep":{"er":[1,2,{"x":null}]}}, "e":[]} )");
  ASSERT_EQ(m.size(), 8u);
  EXPECT_EQ(m[0].key, "s");
  EXPECT_EQ(m[0].kind, Kind::kString);
  EXPECT_EQ(m[0].string, "text");
  EXPECT_EQ(m[1].kind, Kind::kNumber);
  EXPECT_EQ(m[1].number, -125.0);
  EXPECT_EQ(m[2].kind, Kind::kBool);
  EXPECT_TRUE(m[2].boolean);
  EXPECT_EQ(m[3].kind, Kind::kBool);
  EXPECT_FALSE(m[3].boolean);
  EXPECT_EQ(m[4].kind, Kind::kNull);
  EXPECT_EQ(m[5].kind, Kind::kArray);
  EXPECT_EQ(m[5].strings, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(m[5].all_strings);
  EXPECT_EQ(m[6].kind, Kind::kObject);
  EXPECT_EQ(m[7].kind, Kind::kArray);
  EXPECT_TRUE(m[7].strings.empty());
  EXPECT_TRUE(m[7].all_strings);
}

TEST(FlatJsonTest, EmptyObjectAndRepeatedKeys) {
  EXPECT_TRUE(MustRead("{}").empty());
  EXPECT_TRUE(MustRead(" \t\r\n{ \t\r\n} \t\r\n").empty());
  const auto m = MustRead(R"({"a":1,"a":"two"})");
  ASSERT_EQ(m.size(), 2u);  // both kept, in order; readers let the last win
  EXPECT_EQ(m[1].string, "two");
}

TEST(FlatJsonTest, Escapes) {
  EXPECT_EQ(StringValue(R"(\"\\\/\b\f\n\r\t)"), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(StringValue(R"(\u0041\u00e9\u20AC)"), "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(StringValue(R"(\ud83d\ude00)"), "\xf0\x9f\x98\x80");  // U+1F600 from a pair
  EXPECT_EQ(StringValue(R"(\u0000)"), std::string(1, '\0'));
  EXPECT_EQ(StringValue(R"(\uDBFF\uDFFF)"), "\xf4\x8f\xbf\xbf");  // U+10FFFF
}

TEST(FlatJsonTest, BadEscapes) {
  ExpectBadString(R"(\x41)");
  ExpectBadString(R"(\')");
  ExpectBadString(R"(\a)");
  ExpectBadString(R"(\U0041)");
  ExpectBadString(R"(\u12)");
  ExpectBadString(R"(\u12G4)");
  ExpectBadString(R"(\ud83d)");         // lone high surrogate
  ExpectBadString(R"(\ude00)");         // lone low surrogate
  ExpectBadString(R"(\ud83d\u0041)");   // high surrogate, then not a low one
  ExpectBadString(R"(\ud83d\ud83d)");   // two highs
  ExpectBadString(R"(\ud83dx)");
  ExpectRefused("{\"s\":\"\\");         // escape at the very end
  ExpectRefused("{\"s\":\"\\u00");
}

TEST(FlatJsonTest, RawControlCharactersAreRefusedInStrings) {
  for (int c = 0; c < 0x20; ++c) ExpectBadString(std::string(1, char(c)));
  EXPECT_EQ(StringValue("\x7f"), "\x7f");  // DEL is allowed by RFC 8259
}

TEST(FlatJsonTest, Utf8IsValidated) {
  EXPECT_EQ(StringValue("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(StringValue("\xe2\x82\xac"), "\xe2\x82\xac");
  EXPECT_EQ(StringValue("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(StringValue("\xef\xbf\xbf"), "\xef\xbf\xbf");
  ExpectBadString("\xc0\x80");          // overlong NUL
  ExpectBadString("\xc1\xbf");          // overlong
  ExpectBadString("\xe0\x80\x80");      // overlong
  ExpectBadString("\xf0\x80\x80\x80");  // overlong
  ExpectBadString("\xed\xa0\x80");      // UTF-16 surrogate
  ExpectBadString("\xf4\x90\x80\x80");  // above U+10FFFF
  ExpectBadString("\xf5\x80\x80\x80");
  ExpectBadString("\xff");
  ExpectBadString("\x80");              // lone continuation byte
  ExpectBadString("\xe2\x82");          // truncated
  ExpectBadString("\xc3");
  ExpectBadString("\xc3\x41");
  ExpectRefused("{\"s\":\"\xe2\x82");   // truncated at the end of the text
  ExpectRefused("{\"caf\xc3\":1}");     // keys too
}

double NumberValue(std::string_view literal) {
  const auto members = MustRead("{\"n\":" + std::string(literal) + "}");
  if (members.size() != 1 || members[0].kind != Kind::kNumber) return -1.0;
  return members[0].number;
}

TEST(FlatJsonTest, Numbers) {
  EXPECT_EQ(NumberValue("0"), 0.0);
  EXPECT_EQ(NumberValue("-0"), 0.0);
  EXPECT_EQ(NumberValue("1800000000"), 1800000000.0);
  EXPECT_EQ(NumberValue("1.5"), 1.5);
  EXPECT_EQ(NumberValue("-2.5E+2"), -250.0);
  EXPECT_EQ(NumberValue("1e2"), 100.0);
  EXPECT_EQ(NumberValue("1E-2"), 0.01);
  EXPECT_EQ(NumberValue("18446744073709551615"), 18446744073709551615.0);
  EXPECT_EQ(NumberValue("1e308"), 1e308);
}

TEST(FlatJsonTest, BadNumbers) {
  for (const char* bad : {"01", "-01", "00", "+1", "-", ".5", "1.", "1.e5", "1e", "1e+", "--1",
                          "0x10", "1_000", "NaN", "Infinity", "-Infinity", "1e400", "-1e400",
                          "1 2", "1.5.5", "1e5e5", "\xd9\xa1" /* Arabic-Indic one */}) {
    ExpectRefused("{\"n\":" + std::string(bad) + "}");
  }
}

TEST(FlatJsonTest, Literals) {
  for (const char* bad : {"tru", "True", "TRUE", "nul", "NULL", "fals", "truex", "nulll",
                          "undefined", "'x'", "x"}) {
    ExpectRefused("{\"v\":" + std::string(bad) + "}");
  }
}

TEST(FlatJsonTest, Structure) {
  for (const char* bad : {"", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}",
                          "{\"a\" 1}", "{\"a\":1,}", "{,\"a\":1}", "{\"a\":1 \"b\":2}",
                          "{'a':1}", "{a:1}", "{1:1}", "{\"a\":[1,]}", "{\"a\":[,1]}",
                          "{\"a\":[1 2]}", "{\"a\":{\"b\":1,}}", "{\"a\":{\"b\"}}",
                          "{\"a\":[}", "{\"a\":{]}", "{} x", "{}{}", "{},", "{\"a\":1}}",
                          "{\"a\":\"unterminated}", "/*c*/{}", "{}//c", "{\"a\":1/*c*/}",
                          "\xef\xbb\xbf{}" /* BOM: refused, stricter than nlohmann */}) {
    ExpectRefused(bad);
  }
}

TEST(FlatJsonTest, OnlyJsonWhitespace) {
  ExpectRefused("\f{}");
  ExpectRefused("{\v}");
  ExpectRefused("{\"a\":\xc2\xa0" "1}");  // NBSP
  ExpectRefused(std::string_view("{}\0", 3));
}

std::string Nested(int depth, std::string_view open, std::string_view inner,
                   std::string_view close) {
  std::string text = "{\"a\":";
  for (int i = 0; i < depth; ++i) text += open;
  text += inner;
  for (int i = 0; i < depth; ++i) text += close;
  return text + "}";
}

TEST(FlatJsonTest, NestingDepthIsLimited) {
  // 32 levels below the top object are allowed, 33 are not: a 16 KiB token of brackets must
  // not recurse 16 thousand frames deep.
  MustRead(Nested(32, "[", "", "]"));
  ExpectRefused(Nested(33, "[", "", "]"));
  MustRead(Nested(31, "{\"k\":", "1", "}"));
  ExpectRefused(Nested(33, "{\"k\":", "1", "}"));
  ExpectRefused(Nested(100000, "[", "", "]"));
  ExpectRefused(Nested(100000, "{\"k\":", "1", "}"));
  ExpectRefused("{\"a\":" + std::string(100000, '['));
}

// --- differential check against nlohmann ---

// nlohmann's reading of `text`, when it is an object; the flat reader must agree with it on
// every member it accepted (the last of repeated keys).
void ExpectSameAsNlohmann(const std::string& text, const std::vector<FlatJsonMember>& members) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << "flat accepted, nlohmann refused: " << text;
  ASSERT_TRUE(j.is_object()) << text;
  std::map<std::string, const FlatJsonMember*> last;
  for (const FlatJsonMember& m : members) last[m.key] = &m;
  ASSERT_EQ(last.size(), j.size()) << text;
  for (const auto& [key, m] : last) {
    ASSERT_TRUE(j.contains(key)) << text;
    const nlohmann::json& v = j.at(key);
    switch (m->kind) {
      case Kind::kString: EXPECT_EQ(v, m->string) << text; break;
      case Kind::kNumber:
        ASSERT_TRUE(v.is_number()) << text;
        EXPECT_EQ(v.get<double>(), m->number) << text;
        break;
      case Kind::kBool: EXPECT_EQ(v, m->boolean) << text; break;
      case Kind::kNull: EXPECT_TRUE(v.is_null()) << text; break;
      case Kind::kObject: EXPECT_TRUE(v.is_object()) << text; break;
      case Kind::kArray: {
        ASSERT_TRUE(v.is_array()) << text;
        std::vector<std::string> strings;
        bool all_strings = true;
        for (const auto& e : v) {
          if (e.is_string()) {
            strings.push_back(e.get<std::string>());
          } else {
            all_strings = false;
          }
        }
        EXPECT_EQ(strings, m->strings) << text;
        EXPECT_EQ(all_strings, m->all_strings) << text;
        break;
      }
    }
  }
}

TEST(FlatJsonTest, LongStringsAgreeWithNlohmannWhateverByteEndsTheRun) {
  // Plain ASCII runs are scanned eight bytes at a time: put every kind of byte that must stop
  // the scan (or must not) at every offset of a long string, and compare with nlohmann.
  const std::string specials[] = {"\"",   "\\n", "\\u00e9", std::string(1, '\x01'),
                                  "\x1f",  "\x7f",  "\x80",       "\xc3\xa9",
                                  "\xed\xa0\x80", " ",   "~",            "\xff"};
  int accepted = 0;
  for (const std::string& special : specials) {
    for (size_t at = 0; at < 24; ++at) {
      std::string value(40, 'a');
      value.insert(at, special);
      const std::string text = "{\"s\":\"" + value + "\",\"t\":\"" + value + "tail\"}";
      auto members = ReadFlatJsonObject(text);
      const bool nlohmann_ok =
          !nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
      EXPECT_EQ(bool(members), nlohmann_ok) << "special #" << int(uint8_t(special[0])) << " at " << at;
      if (!members) continue;
      ++accepted;
      ExpectSameAsNlohmann(text, *members);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(accepted, 100);  // the plain, escaped and UTF-8 cases
}

TEST(FlatJsonTest, AgreesWithNlohmannOnValidDocuments) {
  const std::string seeds[] = {
      R"({"iss":"https://login.microsoftonline.com/t/v2.0","aud":["a","b"],"exp":1800000000,)"
      R"("nbf":1.5e9,"roles":["Noisett.Admin"],"scp":"a b","ok":true,"no":null,"o":{"x":[1]}})",
      R"({"s":"\u00e9\ud83d\ude00\n\"\\","n":-0.5e-3,"big":18446744073709551615,"arr":[[],{},"x"]})",
      R"({"alg":"RS256","kid":"k1","typ":"JWT","x5t":"abc","crit":["b64"]})",
  };
  for (const std::string& seed : seeds) ExpectSameAsNlohmann(seed, MustRead(seed));
}

TEST(FlatJsonTest, MutatedDocumentsNeverDisagreeWithNlohmann) {
  // A deterministic mini-fuzz: byte flips, insertions of JSON-significant bytes, deletions and
  // duplications on claim-set-like seeds. Whatever the flat reader accepts, nlohmann must
  // accept with the same values (run in the Sanitize build, it also checks memory safety).
  const std::string seeds[] = {
      R"({"iss":"https://i/v2.0","aud":["a","b"],"exp":1800000000,"nbf":1.5e9,"t":true,"z":null})",
      R"({"s":"\u00e9\ud83d\ude00\n\"","n":-0.5e-3,"arr":[[1,{"k":"v"}],{},"x"],"f":false})",
      "{\"u\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"e\":1E+2,\"o\":{\"a\":[\"b\"]}}",
  };
  const std::string interesting = "{}[]\",:\\/-+.0123456789eEtfnu \t\n\x01\x7f\x80\xc3\xed\xf4";
  std::mt19937 rng(7);
  int accepted = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string text = seeds[rng() % std::size(seeds)];
    const int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[at] = interesting[rng() % interesting.size()]; break;
        case 1: text.insert(at, 1, interesting[rng() % interesting.size()]); break;
        case 2: text.erase(at, 1 + rng() % 3); break;
        case 3: text.insert(at, text.substr(at, 1 + rng() % 8)); break;
      }
    }
    auto members = ReadFlatJsonObject(text);
    if (!members) continue;
    ++accepted;
    ExpectSameAsNlohmann(text, *members);
    if (HasFatalFailure()) return;
  }
  // The check means something only if a fair share of mutants were accepted.
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace noisett::auth
