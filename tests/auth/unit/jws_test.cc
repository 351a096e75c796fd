// ParseCompactJws: the form of a compact JWS, before any key or claim is looked at.
#include "auth/jws.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/refusal.h"
#include "auth/unit/test_tokens.h"
#include "core/base64.h"

namespace noisett::auth {
namespace {

using nlohmann::json;
using unit::EncodeJson;

const json kHeader = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "k1"}};
const json kPayload = {{"sub", "x"}, {"iss", "https://issuer.example"}, {"aud", {"a", "b"}},
                       {"exp", 2000000000}};
const std::string kSignature = "\x01\x02\x03signature-bytes";

std::string Token(const json& header, const json& payload) {
  return EncodeJson(header) + "." + EncodeJson(payload) + "." + Base64UrlEncode(kSignature);
}

// Parts given as raw text (not necessarily JSON), each base64url-encoded.
std::string TokenFromText(std::string_view header, std::string_view payload) {
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload) + "." +
         Base64UrlEncode(kSignature);
}

void ExpectMalformed(std::string_view token, std::string_view why) {
  const auto parsed = ParseCompactJws(token);
  ASSERT_FALSE(parsed) << why;
  EXPECT_EQ(parsed.error().code, ErrorCode::kUnauthenticated) << why;
  EXPECT_EQ(parsed.error().reason, reason::kMalformed) << why << ": " << parsed.error().message;
  EXPECT_FALSE(parsed.error().message.empty()) << why;
}

TEST(ParseCompactJwsTest, AcceptsAWellFormedToken) {
  const std::string token = Token(kHeader, kPayload);
  const auto parsed = ParseCompactJws(token);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->alg, "RS256");
  EXPECT_EQ(parsed->claims.iss, "https://issuer.example");
  EXPECT_EQ(parsed->claims.aud, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->claims.exp, 2000000000.0);
  EXPECT_FALSE(parsed->claims.nbf.has_value());
  EXPECT_EQ(parsed->kid, "k1");
  EXPECT_EQ(parsed->signature, kSignature);
  // What was signed is the first two parts exactly as sent, not a re-encoding of the JSON.
  EXPECT_EQ(parsed->signing_input, token.substr(0, token.rfind('.')));
}

TEST(ParseCompactJwsTest, SigningInputIsTheSentTextEvenWhenJsonIsSpelledOddly) {
  // Whitespace and key order differ from what dump() would produce; the signature covers these
  // bytes, so they must be kept verbatim.
  const std::string header_text = R"({ "kid":"k1" ,  "alg" : "RS256" })";
  const std::string token = TokenFromText(header_text, R"({"sub" : "x"})");
  const auto parsed = ParseCompactJws(token);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->signing_input, token.substr(0, token.rfind('.')));
  EXPECT_EQ(parsed->kid, "k1");
}

TEST(ParseCompactJwsTest, KidIsEmptyWhenAbsent) {
  const auto parsed = ParseCompactJws(Token({{"alg", "ES256"}}, kPayload));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->alg, "ES256");
  EXPECT_EQ(parsed->kid, "");
}

TEST(ParseCompactJwsTest, AlgIsNotCheckedAgainstAnAllowListHere) {
  // Form only: "none" parses (the validator refuses it), so the refusal says alg_not_allowed.
  const auto parsed = ParseCompactJws(Token({{"alg", "none"}}, kPayload));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->alg, "none");
}

TEST(ParseCompactJwsTest, RefusesWrongNumberOfParts) {
  const std::string h = EncodeJson(kHeader), p = EncodeJson(kPayload);
  const std::string s = Base64UrlEncode(kSignature);
  ExpectMalformed(h + "." + p, "two parts");
  ExpectMalformed(h + "." + p + "." + s + "." + s, "four parts");
  ExpectMalformed(h + "." + p + "." + s + ".", "trailing dot");
  ExpectMalformed(h, "one part");
  ExpectMalformed("", "empty token");
  ExpectMalformed("..", "three empty parts");
  ExpectMalformed("...", "four empty parts");
}

TEST(ParseCompactJwsTest, RefusesEmptyParts) {
  const std::string h = EncodeJson(kHeader), p = EncodeJson(kPayload);
  const std::string s = Base64UrlEncode(kSignature);
  ExpectMalformed("." + p + "." + s, "empty header");
  ExpectMalformed(h + ".." + s, "empty payload");
  ExpectMalformed(".." + s, "empty header and payload");
}

TEST(ParseCompactJwsTest, EmptySignatureIsLeftToTheVerifier) {
  // Form only: an empty signature part is valid base64url of zero bytes (an unsecured JWS has
  // one). The validator refuses it at the alg allow-list or at Verify (see validator_test.cc).
  const auto parsed = ParseCompactJws(EncodeJson(kHeader) + "." + EncodeJson(kPayload) + ".");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_TRUE(parsed->signature.empty());
}

TEST(ParseCompactJwsTest, RefusesBadBase64InAnyPart) {
  const std::string h = EncodeJson(kHeader), p = EncodeJson(kPayload);
  const std::string s = Base64UrlEncode(kSignature);
  ExpectMalformed(h + "=." + p + "." + s, "padding in header");
  ExpectMalformed(h + "." + p + "+." + s, "'+' in payload");
  ExpectMalformed(h + "." + p + "." + s + "=", "padding in signature");
  ExpectMalformed(h + "." + p + "." + "A", "impossible signature length");
  ExpectMalformed(h + " ." + p + "." + s, "space");
}

TEST(ParseCompactJwsTest, RefusesHeaderThatIsNotAJsonObject) {
  ExpectMalformed(TokenFromText("{not json", R"({"sub":"x"})"), "header not JSON");
  ExpectMalformed(TokenFromText(R"(["alg","RS256"])", R"({"sub":"x"})"), "header an array");
  ExpectMalformed(TokenFromText(R"("RS256")", R"({"sub":"x"})"), "header a string");
  ExpectMalformed(TokenFromText("null", R"({"sub":"x"})"), "header null");
  ExpectMalformed(TokenFromText(R"({"alg":"RS256"} {})", R"({"sub":"x"})"), "trailing JSON");
}

TEST(ParseCompactJwsTest, RefusesPayloadThatIsNotAJsonObject) {
  ExpectMalformed(TokenFromText(R"({"alg":"RS256"})", R"("a string")"), "payload a string");
  ExpectMalformed(TokenFromText(R"({"alg":"RS256"})", "[1,2]"), "payload an array");
  ExpectMalformed(TokenFromText(R"({"alg":"RS256"})", "42"), "payload a number");
  ExpectMalformed(TokenFromText(R"({"alg":"RS256"})", "{\"sub\":"), "payload truncated JSON");
}

TEST(ParseCompactJwsTest, RefusesBadAlgAndKidTypes) {
  ExpectMalformed(Token({{"typ", "JWT"}}, kPayload), "alg missing");
  ExpectMalformed(Token({{"alg", 256}}, kPayload), "alg a number");
  ExpectMalformed(Token({{"alg", nullptr}}, kPayload), "alg null");
  ExpectMalformed(Token({{"alg", {"RS256"}}}, kPayload), "alg an array");
  ExpectMalformed(Token({{"alg", "RS256"}, {"kid", 7}}, kPayload), "kid a number");
  ExpectMalformed(Token({{"alg", "RS256"}, {"kid", nullptr}}, kPayload), "kid null");
}

TEST(ParseCompactJwsTest, PayloadClaimTypesAreCheckedWhenParsing) {
  ExpectMalformed(Token(kHeader, {{"exp", "2000000000"}}), "exp a string");
  ExpectMalformed(Token(kHeader, {{"iss", 1}}), "iss a number");
  ExpectMalformed(Token(kHeader, {{"aud", json::array({1})}}), "aud [1]");
  ExpectMalformed(Token(kHeader, {{"roles", "Noisett.Admin"}}), "roles a string");
  // Claims nobody reads may have any type.
  EXPECT_TRUE(ParseCompactJws(Token(kHeader, {{"custom", {{"nested", {1, 2}}}}})));
}

TEST(ParseCompactJwsTest, HeaderMembersAreReadAfterJsonUnescaping) {
  const auto parsed =
      ParseCompactJws(TokenFromText(R"({"alg":"RS256","kid":"k1"})", "{}"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->alg, "RS256");
  EXPECT_EQ(parsed->kid, "k1");
}

TEST(ParseCompactJwsTest, RepeatedHeaderMemberLastOneWins) {
  // As nlohmann (and RFC 7519 §4's "MUST either reject or use the last") would read it; the
  // allow-list then judges the alg that was actually read.
  const auto parsed =
      ParseCompactJws(TokenFromText(R"({"alg":"RS256","alg":"none"})", "{}"));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->alg, "none");
}

TEST(ParseCompactJwsTest, RefusesCriticalHeaders) {
  // RFC 7515 §4.1.11: a recipient that does not understand a crit extension must refuse.
  ExpectMalformed(Token({{"alg", "RS256"}, {"crit", {"exp"}}, {"exp", 1}}, kPayload), "crit");
  ExpectMalformed(Token({{"alg", "RS256"}, {"crit", json::array()}}, kPayload), "empty crit");
}

// A token of exactly `total` bytes: a padded payload, with the signature length adjusted because
// unpadded base64url can never be 4n+1 characters long.
std::string TokenOfLength(size_t total) {
  const std::string header = EncodeJson(kHeader);
  for (size_t signature_bytes = 64; signature_bytes < 67; ++signature_bytes) {
    const std::string signature = Base64UrlEncode(std::string(signature_bytes, 's'));
    const std::string empty_pad = EncodeJson({{"pad", ""}});
    const size_t fixed = header.size() + 2 + signature.size();
    // Each 3 pad bytes add 4 characters; search near the estimate for an exact fit.
    const size_t estimate = (total - fixed - empty_pad.size()) * 3 / 4;
    for (size_t pad = estimate > 4 ? estimate - 4 : 0; pad < estimate + 4; ++pad) {
      const std::string token =
          header + "." + EncodeJson({{"pad", std::string(pad, 'p')}}) + "." + signature;
      if (token.size() == total) return token;
    }
  }
  ADD_FAILURE() << "could not build a token of " << total << " bytes";
  return "";
}

TEST(ParseCompactJwsTest, SizeLimitIsExactly8KiB) {
  const std::string at_limit = TokenOfLength(kMaxTokenBytes);
  ASSERT_EQ(at_limit.size(), 8u * 1024);
  const auto parsed = ParseCompactJws(at_limit);
  EXPECT_TRUE(parsed) << parsed.error().ToString();

  const std::string over_limit = TokenOfLength(kMaxTokenBytes + 1);
  ASSERT_EQ(over_limit.size(), 8u * 1024 + 1);
  ExpectMalformed(over_limit, "8 KiB + 1");
}

TEST(ParseCompactJwsTest, RefusesAMebibyteWithoutWorkingThroughIt) {
  // A well-formed token of 1 MiB: decoding and parsing it would be measurable; the size check
  // comes first, so this must take a tiny fraction of the limit.
  const std::string big = EncodeJson(kHeader) + "." +
                          EncodeJson({{"pad", std::string(3 << 18, 'p')}}) + "." +
                          Base64UrlEncode(kSignature);
  ASSERT_GT(big.size(), 1u << 20);
  const std::string dots(1 << 20, '.');
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(ParseCompactJws(big));
    ASSERT_FALSE(ParseCompactJws(dots));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ExpectMalformed(big, "1 MiB");
  // 200 refusals of 1 MiB each; decoding alone would cost far more than this bound.
  EXPECT_LT(elapsed, std::chrono::milliseconds(250));
}

}  // namespace
}  // namespace noisett::auth
