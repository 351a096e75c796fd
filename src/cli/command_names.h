// The registry's command names as the CLI knows them without opening a store: for `noisett --help`
// and for refusing a mistyped name (with a "did you mean") before anything is opened. The registry
// (service/commands/) stays the authority: a test checks that this list names exactly its commands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace noisett::cli {

// Every registry command, in the order people most often mean them (the order a suggestion's
// ties are broken in, and `--help` lists them): user commands, then administrators'.
const std::vector<std::string_view>& RegistryCommandNames();

// The administrators' commands (API: a Noisett.Admin token; direct mode: the operator).
bool IsAdminCommand(std::string_view name);

// True when `name` is a registry command.
bool IsRegistryCommand(std::string_view name);

// 'no command "histroy"; did you mean "history.list"?' over the registry commands and `others`
// (the CLI's own subcommands: optimize, serve, ...).
std::string UnknownCommandMessage(std::string_view typed,
                                  const std::vector<std::string_view>& others);

}  // namespace noisett::cli
