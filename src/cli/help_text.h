// `noisett --help` and the head of `noisett NAME --help`, as text: commands first (one line each),
// the options every store-using command shares once, and where each command's own help is. Pure;
// the entries come from CLI11's subcommands, service/command_docs.h and app/settings.h.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "service/command_docs.h"

namespace noisett::cli {

struct HelpEntry {
  std::string name;
  std::string summary;  // may be long: cut to one line
};

// `text`'s first sentence ("Run the HTTP API. More" -> "Run the HTTP API"), cut at a word to at
// most `width` bytes with "..." when longer.
std::string OneLine(std::string_view text, size_t width);

// The whole top-level help: `version_line`, usage, the subcommands, the registry commands, the
// shared flags (wrapped), the exit statuses.
std::string TopLevelHelp(std::string_view version_line, const std::vector<HelpEntry>& subcommands,
                         std::span<const service::CommandDoc> commands,
                         const std::vector<std::string_view>& shared_flags);

// The head of `noisett NAME --help`: what the command does and its input fields (the summary's
// braces), before the options.
std::string CommandHelp(const service::CommandDoc& doc);

}  // namespace noisett::cli
