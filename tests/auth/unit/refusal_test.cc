// Refusal errors and their RFC 6750 WWW-Authenticate challenges.
#include "auth/refusal.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace noisett::auth {
namespace {

// Parses `Bearer k="v", k="v"` strictly (RFC 7235 auth-params with quoted-string values, no
// escapes since the writer removes them). nullopt when the header is not of that form.
std::optional<std::map<std::string, std::string>> ParseChallenge(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  header.remove_prefix(kScheme.size());
  std::map<std::string, std::string> params;
  while (true) {
    const size_t eq = header.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    const std::string name(header.substr(0, eq));
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) return std::nullopt;
    header.remove_prefix(eq + 1);
    if (header.empty() || header.front() != '"') return std::nullopt;
    header.remove_prefix(1);
    const size_t close = header.find('"');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string value(header.substr(0, close));
    for (char c : value) {
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    }
    if (!params.emplace(name, value).second) return std::nullopt;  // duplicate parameter
    header.remove_prefix(close + 1);
    if (header.empty()) return params;
    if (header.substr(0, 2) != ", ") return std::nullopt;
    header.remove_prefix(2);
  }
}

std::map<std::string, std::string> MustParse(const std::string& header) {
  auto params = ParseChallenge(header);
  EXPECT_TRUE(params.has_value()) << "not a well-formed challenge: " << header;
  return params.value_or(std::map<std::string, std::string>{});
}

TEST(RefusalTest, RefusalIsUnauthenticatedWithTheReason) {
  const Error e = Refusal(reason::kExpired, "token expired at 5");
  EXPECT_EQ(e.code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(e.reason, "expired");
  EXPECT_EQ(e.message, "token expired at 5");
}

TEST(BearerChallengeTest, MissingTokenGetsTheBareChallenge) {
  // RFC 6750 §3.1: no error code when the request carried no credentials.
  const std::string header = BearerChallenge(Refusal(reason::kMissing, "no bearer token"));
  EXPECT_EQ(header, "Bearer realm=\"noisett\"");
  EXPECT_EQ(header.find("error"), std::string::npos);
}

TEST(BearerChallengeTest, InvalidTokenReasons) {
  for (std::string_view why :
       {reason::kMalformed, reason::kBadSignature, reason::kAlgNotAllowed, reason::kUnknownKid,
        reason::kExpired, reason::kNotYetValid, reason::kWrongIssuer, reason::kWrongAudience,
        reason::kWrongTenant, reason::kMissingOid}) {
    const auto params = MustParse(BearerChallenge(Refusal(why, "details")));
    EXPECT_EQ(params.at("realm"), "noisett") << why;
    EXPECT_EQ(params.at("error"), "invalid_token") << why;
    ASSERT_TRUE(params.count("error_description")) << why;
    EXPECT_NE(params.at("error_description").find(why), std::string::npos) << why;
  }
}

TEST(BearerChallengeTest, ExpiredHasADescription) {
  const auto params = MustParse(BearerChallenge(Refusal(reason::kExpired, "token expired at 17")));
  EXPECT_EQ(params.at("error"), "invalid_token");
  EXPECT_EQ(params.at("error_description"), "expired: token expired at 17");
}

TEST(BearerChallengeTest, ScopeAndAdminRefusalsAreInsufficientScope) {
  EXPECT_EQ(MustParse(BearerChallenge(Refusal(reason::kMissingScope, "needs x"))).at("error"),
            "insufficient_scope");
  const Error not_admin = MakeError(ErrorCode::kPermissionDenied, "not_admin", "admins only");
  EXPECT_EQ(MustParse(BearerChallenge(not_admin)).at("error"), "insufficient_scope");
}

TEST(BearerChallengeTest, QuotesAndBackslashesCannotBreakTheHeader) {
  for (const char* message : {R"(say "hi")", R"(back\slash)", R"(\")", R"(", error="forged)",
                              "trailing\\", "\"\"\"", R"(\\\"\\)"}) {
    const std::string header = BearerChallenge(Refusal(reason::kMalformed, message));
    const auto params = MustParse(header);
    EXPECT_EQ(params.size(), 3u) << header;
    EXPECT_EQ(params.at("error"), "invalid_token") << header;
  }
}

TEST(BearerChallengeTest, ControlCharactersCannotSplitTheHeader) {
  static constexpr char kNasty[] = "a\r\nSet-Cookie: x=1\n\0b\x7f";
  const std::string header =
      BearerChallenge(Refusal(reason::kMalformed, std::string(kNasty, sizeof kNasty - 1)));
  EXPECT_EQ(header.find_first_of(std::string("\r\n\0\x7f", 4)), std::string::npos) << header;
  MustParse(header);
}

TEST(BearerChallengeTest, RealmIsSanitisedToo) {
  const auto params = MustParse(BearerChallenge(Refusal(reason::kExpired, "x"), "my \"realm\"\r\n"));
  EXPECT_EQ(params.size(), 3u);
  EXPECT_EQ(MustParse(BearerChallenge(Refusal(reason::kMissing, "x"), "images")).at("realm"),
            "images");
}

}  // namespace
}  // namespace noisett::auth
