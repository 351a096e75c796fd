// The `noisett` executable's words to people, run as a child process: the short --help and each
// command's, --version, "did you mean" for a mistyped command or field, and the one error shape
// of both command modes (`noisett: CODE: message` on stderr, the error object on stdout).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/cli_process_fixture.h"
#include "cli/command_names.h"
#include "support/loopback_http_server.h"

namespace noisett::cli::process_test {
namespace {

// The top-level help is a page, not a manual: every command once with one line, the shared
// options once; each command's options are in its own help (OptimizeHelpMentions...).
TEST_F(NoisettCliTest, TopLevelHelpIsShortAndNamesEveryCommand) {
  const RunResult r = Run({"--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 80) << r.out;
  for (const char* name : {"optimize", "token", "whoami", "serve", "init", "catalog.rebuild",
                           "fsck", "lifecycle.run", "lifecycle.export"}) {
    EXPECT_NE(r.out.find(std::string("\n  ") + name + " "), std::string::npos) << name;
  }
  for (std::string_view name : RegistryCommandNames()) {
    EXPECT_NE(r.out.find("\n  " + std::string(name) + " "), std::string::npos) << name;
  }
  // Shared options once, not under every command.
  for (const char* flag : {"--data-dir", "--catalog", "--pg-pool", "--max-upload-bytes"}) {
    const size_t at = r.out.find(std::string(" ") + flag + " ");
    ASSERT_NE(at, std::string::npos) << flag << "\n" << r.out;
    EXPECT_EQ(r.out.find(std::string(flag) + " [", at), std::string::npos) << flag;
    EXPECT_EQ(r.out.find(std::string(" ") + flag + " ", at + 1), std::string::npos)
        << flag << " twice";
  }
  EXPECT_EQ(r.out.find("Commands:"), r.out.find("\n\nCommands:") + 2) << "commands come first";
  EXPECT_LT(r.out.find("Commands:"), r.out.find("Shared options"));
}

// `noisett NAME --help` shows what the command does and its input fields, from the registry's
// own summary (service/command_docs.h), then the options; it needs no store.
TEST_F(NoisettCliTest, CommandHelpListsItsFields) {
  const RunResult list = Run({"history.list", "--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(list.out.rfind("noisett history.list: ", 0), 0u) << list.out;
  EXPECT_NE(list.out.find("Input fields (a JSON object; ? optional): {limit 1..200, cursor?}\n"),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("--server"), std::string::npos) << list.out;
  const RunResult url = Run({"images.url", "{}", "-h"}, {}, /*json_output=*/false);
  EXPECT_EQ(url.status, 0) << url.err;
  for (const char* field : {"job_id", "image_index", "thumbnail?", "expiry_hours"}) {
    EXPECT_NE(url.out.find(field), std::string::npos) << field << "\n" << url.out;
  }
  const RunResult typo = Run({"history.lst", "--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(typo.status, 2);
  EXPECT_EQ(typo.err,
            "noisett: unknown_command: no command \"history.lst\"; did you mean "
            "\"history.list\"?\n");
}

TEST_F(NoisettCliTest, TopLevelHelpDocumentsInit) {
  const RunResult r = Run({"--help"}, {}, /*json_output=*/false);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\n  init "), std::string::npos) << r.out;  // the command's line
  EXPECT_NE(r.out.find("noisett init"), std::string::npos) << r.out;
}

// "noisett X.Y.Z" then, in a git checkout, the configured commit in parentheses; nothing else.
// (By hand, not std::regex: g++ 12 warns inside it at -O1, the sanitizer build.)
bool IsVersionLine(const std::string& text) {
  const std::string prefix = "noisett ";
  if (text.rfind(prefix, 0) != 0 || text.back() != '\n') return false;
  const std::string rest = text.substr(prefix.size(), text.size() - prefix.size() - 1);
  const size_t space = rest.find(' ');
  const std::string version = rest.substr(0, space);
  if (std::count(version.begin(), version.end(), '.') != 2 ||
      version.find_first_not_of("0123456789.") != std::string::npos || version.front() == '.' ||
      version.back() == '.' || version.find("..") != std::string::npos) {
    return false;
  }
  if (space == std::string::npos) return true;
  const std::string commit = rest.substr(space + 1);
  return commit.size() >= 9 && commit.size() <= 42 && commit.front() == '(' &&
         commit.back() == ')' &&
         commit.substr(1, commit.size() - 2).find_first_not_of("0123456789abcdef") ==
             std::string::npos;
}

TEST_F(NoisettCliTest, VersionPrintsOneLine) {
  for (const char* flag : {"--version", "-V"}) {
    const RunResult r = Run({flag}, {}, /*json_output=*/false);
    EXPECT_EQ(r.status, 0) << flag;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_TRUE(IsVersionLine(r.out)) << flag << ": " << r.out;
  }
  EXPECT_TRUE(IsVersionLine("noisett 0.1.0\n"));
  EXPECT_TRUE(IsVersionLine("noisett 0.1.0 (2627f8cb955b)\n"));
  EXPECT_FALSE(IsVersionLine("noisett 0.1.0 (xyz)\n"));
  EXPECT_FALSE(IsVersionLine("noisett 0.1\n"));
  EXPECT_FALSE(IsVersionLine("noisett 0.1.0"));
}

// A mistyped command is refused before anything is opened, with the closest name when one is
// close, in command mode's error shape, exit status 2 (an unknown word gets the same).
TEST_F(NoisettCliTest, UnknownCommandSuggestsTheClosestName) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> typos = {
      {{"histroy"}, R"(no command "histroy"; did you mean "history.list"?)"},
      {{"history.lst", "{}", "--user", "alice"},
       R"(no command "history.lst"; did you mean "history.list"?)"},
      {{"optimise"}, R"(no command "optimise"; did you mean "optimize"?)"},
      {{"frobnicate"}, R"(no command "frobnicate")"},
      {{"histroy.list", "{}"}, R"(no command "histroy.list"; did you mean "history.list"?)"},
      {{"users.set_tire", "{}", "--user", "alice"},
       R"(no command "users.set_tire"; did you mean "users.set_tier"?)"},
  };
  for (const auto& [args, message] : typos) {
    SCOPED_TRACE(args[0]);
    const RunResult r = Run(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "noisett: unknown_command: " + message + "\n");
    ASSERT_EQ(r.lines.size(), 1u) << r.out;
    EXPECT_EQ(r.lines[0], json({{"error", {{"code", "unknown_command"}, {"message", message}}}}));
  }
}

// Command mode refuses a mistyped flag and a bad setting in its one shape too, exit status 2.
TEST_F(NoisettCliTest, CommandModeUsageErrorsKeepTheShape) {
  const RunResult flag = Run({"history.list", "{}", "--user", "alice", "--bogus"});
  EXPECT_EQ(flag.status, 2);
  EXPECT_EQ(flag.err.rfind("noisett: usage: ", 0), 0u) << flag.err;
  EXPECT_NE(flag.err.find("--bogus"), std::string::npos) << flag.err;
  ASSERT_EQ(flag.lines.size(), 1u) << flag.out;
  EXPECT_EQ(flag.lines[0]["error"]["code"], "usage");
  const RunResult setting =
      Run({"history.list", "{}", "--user", "alice"}, {{"NOISETT_MAX_PIXELS", "lots"}});
  EXPECT_EQ(setting.status, 2);
  EXPECT_EQ(setting.err.rfind("noisett: bad_setting: NOISETT_MAX_PIXELS", 0), 0u) << setting.err;
  ASSERT_EQ(setting.lines.size(), 1u) << setting.out;
  EXPECT_EQ(setting.lines[0]["error"]["code"], "bad_setting");
}

// What noisett writes to stdout when stdout is a terminal (a pseudo-terminal; stderr goes to
// /dev/null), with the terminal's "\r\n" turned back into "\n". Empty when there are no ptys.
std::string StdoutOnATerminal(const std::vector<std::string>& args) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) return "";
  const std::string replica_path = ::ptsname(master);
  std::vector<std::string> argv_s = {NOISETT_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int replica = ::open(replica_path.c_str(), O_RDWR | O_NOCTTY);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(replica, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  // Reading the master ends with EIO once the child's end is closed.
  for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  ::close(master);
  out.erase(std::remove(out.begin(), out.end(), '\r'), out.end());
  return out;
}

// On a terminal the JSON is indented for a person; piped (every other test) it is one line.
TEST_F(NoisettCliTest, JsonIsIndentedOnATerminal) {
  const std::string shown = StdoutOnATerminal({"histroy"});
  if (shown.empty()) GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_EQ(shown,
            "{\n  \"error\": {\n    \"code\": \"unknown_command\",\n    \"message\": \"no command "
            "\\\"histroy\\\"; did you mean \\\"history.list\\\"?\"\n  }\n}\n");
  const RunResult piped = Run({"histroy"});
  EXPECT_EQ(std::count(piped.out.begin(), piped.out.end(), '\n'), 1) << piped.out;
}

// A refusal reads the same whichever mode ran the command: "noisett: CODE: message" on stderr,
// the error object on stdout, the same exit status. The remote end answers what `serve` answers
// (http::ErrorResponse's body).
TEST_F(NoisettCliTest, BothModesPrintTheSameErrorShape) {
  const std::string data_dir = "--data-dir=" + (dir_ / "data").string();
  ASSERT_EQ(Run({"init", data_dir}, {}, /*json_output=*/false).status, 0);
  const std::string input = R"({"limt":5})";
  const RunResult direct = Run({"history.list", input, "--user", "alice", data_dir});
  const std::string message = R"(unknown field "limt"; did you mean "limit"?)";
  EXPECT_EQ(direct.status, 1);
  EXPECT_EQ(direct.err, "noisett: bad_input: " + message + "\n");
  const json error = {{"error", {{"code", "bad_input"}, {"message", message}}}};
  EXPECT_EQ(direct.out, error.dump() + "\n");

  noisett::testing::LoopbackHttpServer server;
  server.SetBody("/api/commands/history.list", error.dump(), 400);
  const RunResult remote =
      Run({"history.list", input, "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(remote.status, direct.status);
  EXPECT_EQ(remote.err, direct.err);
  EXPECT_EQ(remote.out, direct.out);
}

// A remote failure that is not the server's error object still gets the one shape: the status
// as the code, the body (cut) as the message; 507 keeps its own exit status.
TEST_F(NoisettCliTest, RemoteFailuresWithoutAnErrorObjectKeepTheShape) {
  noisett::testing::LoopbackHttpServer server;
  server.SetBody("/api/commands/history.list", "Bad Gateway", 502, "text/plain");
  server.SetBody("/api/commands/images.list",
                 R"({"error":{"code":"insufficient_storage","message":"the store is full"}})", 507);
  const RunResult bad_gateway =
      Run({"history.list", "{}", "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(bad_gateway.status, 1);
  EXPECT_EQ(bad_gateway.err, "noisett: http_502: Bad Gateway\n");
  ASSERT_EQ(bad_gateway.lines.size(), 1u) << bad_gateway.out;
  EXPECT_EQ(bad_gateway.lines[0]["error"]["code"], "http_502");
  const RunResult full =
      Run({"images.list", "{}", "--server", server.BaseUrl(), "--token", kToken});
  EXPECT_EQ(full.status, 3);
  EXPECT_EQ(full.err, "noisett: insufficient_storage: the store is full\n");
}

// A dev token refused for its key ("unknown_kid") gets the fix: which data directory's dev issuer
// signed it, when this invocation's --data-dir holds that key, and otherwise that it does not.
TEST_F(NoisettCliTest, UnknownKidNamesTheDataDirectoryOfTheKey) {
  const fs::path minted = dir_ / "minted";
  const RunResult token =
      Run({"token", "--user", "alice", "--data-dir", minted.string()}, {}, /*json_output=*/false);
  ASSERT_EQ(token.status, 0) << token.err;
  const std::string dev_token = token.out.substr(0, token.out.find('\n'));

  noisett::testing::LoopbackHttpServer server;
  server.SetBody(
      "/api/commands/history.list",
      R"({"error":{"code":"unknown_kid","message":"no key with this kid in the issuer's JWKS"}})",
      401);
  const RunResult remote = Run({"history.list", "{}", "--server", server.BaseUrl(), "--token",
                                dev_token, "--data-dir", minted.string()});
  EXPECT_EQ(remote.status, 1);
  EXPECT_EQ(remote.err.rfind("noisett: unknown_kid: no key with this kid in the issuer's JWKS; the "
                             "token was signed by the dev issuer key in " +
                                 (minted / "dev-issuer").string() + ", which the server does not",
                             0),
            0u)
      << remote.err;

  const fs::path other = dir_ / "other";
  const RunResult whoami =
      Run({"whoami", "--auth", "dev", "--data-dir", other.string(), "--token", dev_token});
  EXPECT_EQ(whoami.status, 1);
  ASSERT_EQ(whoami.lines.size(), 1u) << whoami.out;
  EXPECT_EQ(whoami.lines[0]["error"]["reason"], "unknown_kid");
  EXPECT_NE(whoami.lines[0]["error"]["message"].get<std::string>().find(
                "its key is not the dev issuer key in " + (other / "dev-issuer").string()),
            std::string::npos)
      << whoami.out;
}

}  // namespace
}  // namespace noisett::cli::process_test
