// The registry's commands as the CLI knows them without opening a store (service/command_docs.h):
// for refusing a mistyped name, with a "did you mean", before anything is opened.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace noisett::cli {

// Every registry command, in the order people most often mean them (a suggestion's ties break
// toward the earlier).
std::vector<std::string_view> RegistryCommandNames();

// True when `name` is a registry command.
bool IsRegistryCommand(std::string_view name);

// 'no command "histroy"; did you mean "history.list"?' over the registry commands and `others`
// (the CLI's own subcommands: optimize, serve, ...).
std::string UnknownCommandMessage(std::string_view typed,
                                  const std::vector<std::string_view>& others);

}  // namespace noisett::cli
