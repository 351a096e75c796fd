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
#include "cli/help_text.h"
#include "http/http_types.h"
#include "service/command_docs.h"
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

TEST(OneLineTest, KeepsTheFirstSentenceCutAtAWord) {
  EXPECT_EQ(OneLine("Run the API. Then more.", 80), "Run the API");
  EXPECT_EQ(OneLine("short", 80), "short");
  EXPECT_EQ(OneLine("one two three four", 12), "one two...");
  EXPECT_EQ(OneLine("abcdefghijklmnop", 8), "abcde...");
  EXPECT_LE(OneLine(std::string(500, 'x'), 60).size(), 60u);
}

TEST(CommandHelpTest, NamesTheCommandAndItsFields) {
  const service::CommandDoc doc{"history.list", "your generations: {limit 1..200, cursor?}"};
  EXPECT_EQ(CommandHelp(doc),
            "noisett history.list: your generations: {limit 1..200, cursor?}\n"
            "Input fields (a JSON object; ? optional): {limit 1..200, cursor?}\n\n");
  EXPECT_EQ(CommandHelp({"x.y", "no input"}), "noisett x.y: no input\n\n");
}

// The CLI refuses names the doc table lacks before opening anything, and shows its lines as the
// commands' help: the table must name exactly the registry's commands, and give each its line.
TEST(RegistryCommandNamesTest, NameExactlyTheRegistrysCommands) {
  noisett::testing::TestApp app;
  ASSERT_TRUE(app.ok()) << app.error();
  std::vector<std::string_view> listed = RegistryCommandNames();
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, app.service().registry().Names());
  for (const service::CommandDoc& doc : service::CommandDocs()) {
    const service::CommandSpec* spec = app.service().registry().Find(doc.name);
    ASSERT_NE(spec, nullptr) << doc.name;
    EXPECT_EQ(spec->summary, doc.summary) << doc.name;
    EXPECT_FALSE(doc.summary.empty()) << doc.name;
  }
}

}  // namespace
}  // namespace noisett::cli
