// Commands: every operation is a named command with JSON in and JSON out, run for one signed-in
// user. The HTTP API and the CLI dispatch to the same registry, so both doors behave alike.
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

using CommandHandler =
    std::function<Result<nlohmann::json>(const CommandContext&, const CommandInput&)>;
// Answers the JSON text itself (core/json_writer.h).
using TextHandler = std::function<Result<std::string>(const CommandContext&, const CommandInput&)>;

struct CommandSpec {
  std::string name;
  std::string summary;  // one line, for `noisett --help` and errors
  bool admin_only = false;
  bool takes_body = false;
  CommandHandler handler;
  // Set instead of `handler` by the commands that answer long lists (history.list): writing the
  // text directly is three times cheaper than building a tree and printing it.
  TextHandler text_handler = {};
};

class CommandRegistry {
 public:
  void Register(CommandSpec spec);

  // Errors: kNotFound "unknown_command"; kInvalidArgument "bad_input" when args is not an
  // object; kPermissionDenied "not_admin"; otherwise whatever the command returns.
  Result<nlohmann::json> Run(std::string_view name, const CommandContext& context,
                             const CommandInput& input) const;
  // The same answer as JSON text, as HTTP sends it (no tree for commands with a text_handler).
  Result<std::string> RunText(std::string_view name, const CommandContext& context,
                              const CommandInput& input) const;

  const CommandSpec* Find(std::string_view name) const;
  std::vector<const CommandSpec*> All() const;

 private:
  // The command `name`, once the caller may run it with `input`.
  Result<const CommandSpec*> Admit(std::string_view name, const CommandContext& context,
                                   const CommandInput& input) const;

  std::map<std::string, CommandSpec, std::less<>> commands_;
};

}  // namespace noisett::service
