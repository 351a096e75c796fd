// The command registry: every operation as a named command with JSON in and JSON out, run for one
// signed-in user. The HTTP API and the CLI dispatch to the same registry, so both doors behave
// alike. A command's handler is a thin adapter (commands/): it reads the JSON arguments into the
// operation's typed request, calls the typed operation, and writes its typed answer as JSON text.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/user.h"
#include "core/result.h"

namespace noisett::service {

struct CommandInput {
  nlohmann::json args = nlohmann::json::object();
  std::string_view body;  // raw bytes for commands that take a file (images.upload)
  // Long commands (lifecycle.run, users.set_tier) report (done, total) here; the CLI draws a
  // bar, HTTP leaves it empty.
  std::function<void(int64_t, int64_t)> progress = {};
};

struct CommandContext {
  const auth::User& user;
};

// Answers the command's JSON text (written by core/json_writer.h or dumped from a tree).
using CommandHandler =
    std::function<Result<std::string>(const CommandContext&, const CommandInput&)>;

struct CommandSpec {
  std::string name;
  std::string summary;      // empty: command_docs.h's line for the name
  bool admin_only = false;  // callers without the Noisett.Admin role are refused "not_admin"
  bool takes_body = false;  // the input carries a file (HTTP: the request body is the file)
  CommandHandler run;
};

class CommandRegistry {
 public:
  void Register(CommandSpec spec);

  // The command's answer as JSON text.
  // Errors: kNotFound "unknown_command"; kInvalidArgument "bad_input" when args is not an
  // object; kPermissionDenied "not_admin"; otherwise whatever the command returns.
  Result<std::string> Run(std::string_view name, const CommandContext& context,
                          const CommandInput& input) const;

  const CommandSpec* Find(std::string_view name) const;
  std::vector<const CommandSpec*> All() const;
  std::vector<std::string_view> Names() const;  // sorted

 private:
  std::map<std::string, CommandSpec, std::less<>> commands_;
};

// 'no command "histroy"; did you mean "history.list"?': the suggestion only when one of `names`
// is close (core/suggest.h), the typed name cut to 64 bytes. The CLI says it the same way.
std::string UnknownCommandMessage(std::string_view typed,
                                  const std::vector<std::string_view>& names);

// A tree as the text every door sends: compact, keys sorted, bytes that are not UTF-8 replaced
// rather than thrown on (answers may quote client bytes).
std::string DumpJson(const nlohmann::json& tree);

}  // namespace noisett::service
