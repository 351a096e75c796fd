// What each registry command is for, one line apiece, readable without building the registry
// (which needs a store): `noisett --help` lists them, `noisett NAME --help` shows one, and a
// mistyped name is matched against them. CommandRegistry::Register gives each registered command
// its line from here; the handlers (commands/) stay the authority on what runs.
#pragma once

#include <span>
#include <string_view>

namespace noisett::service {

struct CommandDoc {
  std::string_view name;     // "history.list"
  std::string_view summary;  // what it does, then its input fields: "...: {limit 1..200, cursor?}"
};

// Every command the service registers, in the order people most often mean them (user
// commands, then administrators'): the order `--help` lists them and a suggestion's ties break.
std::span<const CommandDoc> CommandDocs();

// The line for `name`, or nullptr when no command has that name.
const CommandDoc* FindCommandDoc(std::string_view name);

}  // namespace noisett::service
