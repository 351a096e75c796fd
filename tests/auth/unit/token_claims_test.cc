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

}  // namespace
}  // namespace noisett::auth
