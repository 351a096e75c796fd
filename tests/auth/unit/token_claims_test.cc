// ReadTokenClaims: claim types straight from payload text, as the validator reads them.
#include "auth/token_claims.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/refusal.h"

namespace noisett::auth {
namespace {

TokenClaims MustRead(std::string_view text) {
  auto claims = ReadTokenClaims(text);
  EXPECT_TRUE(claims) << text << ": " << claims.error().ToString();
  return claims ? *claims : TokenClaims{};
}

void ExpectMalformed(std::string_view text) {
  auto claims = ReadTokenClaims(text);
  ASSERT_FALSE(claims) << text;
  EXPECT_EQ(claims.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(claims.error().reason, reason::kMalformed) << text;
}

TEST(TokenClaimsTest, ReadsTheClaimsNoisettUses) {
  const TokenClaims c = MustRead(
      R"({"exp":1800003600,"nbf":1.8e9,"iat":1800000000,"iss":"i","tid":"t","oid":"o",)"
      R"("scp":"a b","ver":"2.0","name":"N","preferred_username":"p","upn":"u",)"
      R"("unique_name":"un","aud":"single","roles":["r1","r2"],"other":{"x":[1,2]}})");
  EXPECT_EQ(c.exp, 1800003600.0);
  EXPECT_EQ(c.nbf, 1.8e9);
  EXPECT_EQ(c.iat, 1800000000.0);
  EXPECT_EQ(c.iss, "i");
  EXPECT_EQ(c.tid, "t");
  EXPECT_EQ(c.oid, "o");
  EXPECT_EQ(c.scp, "a b");
  EXPECT_EQ(c.ver, "2.0");
  EXPECT_EQ(c.name, "N");
  EXPECT_EQ(c.preferred_username, "p");
  EXPECT_EQ(c.upn, "u");
  EXPECT_EQ(c.unique_name, "un");
  EXPECT_EQ(c.aud, std::vector<std::string>{"single"});
  EXPECT_EQ(c.roles, (std::vector<std::string>{"r1", "r2"}));
}

TEST(TokenClaimsTest, AbsentClaimsStayAbsent) {
  const TokenClaims c = MustRead("{}");
  EXPECT_EQ(c, TokenClaims{});
}

TEST(TokenClaimsTest, WrongTypesAreMalformed) {
  for (const char* text :
       {R"({"exp":"1800000000"})", R"({"exp":true})", R"({"exp":null})", R"({"exp":[1]})",
        R"({"nbf":"0"})", R"({"iat":{}})", R"({"iss":1})", R"({"iss":null})", R"({"tid":["t"]})",
        R"({"oid":123})", R"({"scp":["a"]})", R"({"aud":1})", R"({"aud":[1]})",
        R"({"aud":["a",null]})", R"({"aud":{}})", R"({"roles":"Noisett.Admin"})",
        R"({"roles":[["Noisett.Admin"]]})", R"({"upn":false})"}) {
    ExpectMalformed(text);
  }
}

TEST(TokenClaimsTest, NotAnObjectIsMalformed) {
  ExpectMalformed("");
  ExpectMalformed("[]");
  ExpectMalformed(R"({"exp":1800000000)");
  ExpectMalformed(R"({"exp":1e999})");
}

TEST(TokenClaimsTest, RepeatedClaimsLastOneWins) {
  EXPECT_EQ(MustRead(R"({"iss":"first","iss":"second"})").iss, "second");
  EXPECT_EQ(MustRead(R"({"aud":"a","aud":["b","c"]})").aud,
            (std::vector<std::string>{"b", "c"}));
  // Every occurrence is type-checked, so a hidden wrong-typed first copy still refuses.
  ExpectMalformed(R"({"exp":"soon","exp":1800000000})");
}

TEST(TokenClaimsTest, ClaimNamesAreCaseSensitive) {
  const TokenClaims c = MustRead(R"({"EXP":"x","Iss":5,"OID":[]})");
  EXPECT_FALSE(c.exp.has_value());
  EXPECT_FALSE(c.iss.has_value());
  EXPECT_FALSE(c.oid.has_value());
}

TEST(TokenClaimsTest, OtherStringClaimsAreKeptByNameTheLastMemberWinning) {
  auto c = ReadTokenClaims(R"({"oid":"a","tier":"pro","n":3,"x":"1","x":2,"y":4,"y":"b"})");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->other_strings,
            (std::map<std::string, std::string>{{"tier", "pro"}, {"y", "b"}}));
  EXPECT_EQ(c->oid, "a");  // named claims are not repeated there
}

TEST(TokenClaimsTest, OnlyTheNamedOtherClaimIsKeptWhenAsked) {
  const std::string text =
      R"({"oid":"a","tier":"free","tier":"pro","x":"1","y":"b","exp":1800000000,"roles":["r"]})";
  auto only = ReadTokenClaims(text, "tier");
  ASSERT_TRUE(only) << only.error().ToString();
  EXPECT_EQ(only->other_strings, (std::map<std::string, std::string>{{"tier", "pro"}}));
  // Everything else reads exactly as without the filter.
  TokenClaims all = MustRead(text);
  all.other_strings = only->other_strings;
  EXPECT_EQ(*only, all);
  // A later non-string member of the kept name still removes it, as without the filter.
  auto removed = ReadTokenClaims(R"({"tier":"pro","tier":5})", "tier");
  ASSERT_TRUE(removed) << removed.error().ToString();
  EXPECT_TRUE(removed->other_strings.empty());
  // An empty name keeps nothing, and the filter never makes a bad payload acceptable.
  auto none = ReadTokenClaims(text, "");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->other_strings.empty());
  EXPECT_FALSE(ReadTokenClaims(R"({"x":"1","exp":"soon"})", "tier"));
  EXPECT_FALSE(ReadTokenClaims(R"({"x":"1",})", "x"));
}

TEST(TokenClaimsTest, ATypeErrorIsReportedOnlyForJsonThatParses) {
  // A wrong-typed claim followed by broken JSON is bad JSON first, as it always was.
  auto bad_json = ReadTokenClaims(R"({"exp":"soon","x":})");
  ASSERT_FALSE(bad_json);
  EXPECT_NE(bad_json.error().message.find("not a JSON object"), std::string::npos)
      << bad_json.error().message;
  auto bad_type = ReadTokenClaims(R"({"exp":"soon","iss":5})");
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().message, "exp claim is not a number");
}

TEST(TokenClaimsTest, EscapedAndUnescapedSpellingsReadTheSame) {
  // Strings without escapes are read as views of the text, with escapes through a buffer:
  // both must give the same values, keys included.
  const TokenClaims plain = MustRead(R"({"oid":"abc","name":"Zoë","roles":["a/b","c"],"k":"v"})");
  const TokenClaims escaped = MustRead(
      R"({"oid":"abc","name":"Zoë","roles":["a\/b","c"],"k":"v"})");
  EXPECT_EQ(plain, escaped);
  EXPECT_EQ(escaped.oid, "abc");
  EXPECT_EQ(escaped.other_strings.at("k"), "v");
}

}  // namespace
}  // namespace noisett::auth
