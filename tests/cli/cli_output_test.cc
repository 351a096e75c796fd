// Command mode's printing (cli/cli_output.h) and the CLI's list of registry commands
// (cli/command_names.h) against the registry the App builds.
#include "cli/cli_output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/command_names.h"
#include "http/http_types.h"
#include "support/test_app.h"

namespace noisett::cli {
namespace {

TEST(FormatJsonTest, IndentsForATerminalAndLeavesPipedTextAlone) {
  const std::string compact = R"({"a":[1,2],"b":{"c":"d"}})";
  EXPECT_EQ(FormatJson(compact, /*pretty=*/false), compact);
  EXPECT_EQ(FormatJson(compact, /*pretty=*/true),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"d\"\n  }\n}");
}

TEST(FormatJsonTest, TextThatIsNotJsonIsPrintedAsItCame) {
  EXPECT_EQ(FormatJson("not json {", /*pretty=*/true), "not json {");
  EXPECT_EQ(FormatJson("", /*pretty=*/true), "");
}

TEST(IsTerminalTest, APipeIsNotATerminalAndAPtyIs) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(IsTerminal(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) GTEST_SKIP() << "no pseudo-terminals here";
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const int replica = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(replica, 0);
  EXPECT_TRUE(IsTerminal(replica));
  ::close(replica);
  ::close(master);
}

TEST(ErrorJsonTest, IsTheObjectTheServerSends) {
  const std::string server_body =
      http::ErrorResponse(400, "bad_input", "limit must be 1..200").body;
  EXPECT_EQ(ErrorJson("bad_input", "limit must be 1..200"), server_body);
  // Bytes that are not UTF-8 are replaced, never thrown on.
  EXPECT_NE(ErrorJson("bad_input", "field \xff").find("field"), std::string::npos);
}

TEST(ErrorFromHttpAnswerTest, ReadsTheServersErrorObject) {
  const Error e =
      ErrorFromHttpAnswer(413, http::ErrorResponse(413, "too_large", "over 10 bytes").body);
  EXPECT_EQ(e.reason, "too_large");
  EXPECT_EQ(e.message, "over 10 bytes");
  EXPECT_EQ(ErrorFromHttpAnswer(507, R"({"error":{"code":"x","message":"y"}})").code,
            ErrorCode::kInsufficientStorage);
}

TEST(ErrorFromHttpAnswerTest, AnyOtherBodyBecomesTheMessageUnderTheStatus) {
  for (const std::string body : {"Bad Gateway", "{\"error\":\"flat\"}", "[]",
                                 "{\"error\":{\"code\":1,\"message\":\"m\"}}"}) {
    const Error e = ErrorFromHttpAnswer(502, body);
    EXPECT_EQ(e.reason, "http_502") << body;
    EXPECT_EQ(e.message, body);
  }
  EXPECT_EQ(ErrorFromHttpAnswer(500, std::string(1000, 'x')).message.size(), 200u);
}

// The CLI refuses names its list lacks before opening anything: the list must be the registry's.
TEST(RegistryCommandNamesTest, NameExactlyTheRegistrysCommands) {
  noisett::testing::TestApp app;
  ASSERT_TRUE(app.ok()) << app.error();
  std::vector<std::string_view> listed = RegistryCommandNames();
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, app.service().registry().Names());
  for (std::string_view name : RegistryCommandNames()) {
    const service::CommandSpec* spec = app.service().registry().Find(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(IsAdminCommand(name), spec->admin_only) << name;
  }
}

}  // namespace
}  // namespace noisett::cli
