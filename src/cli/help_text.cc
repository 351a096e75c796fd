// The help texts (see help_text.h).
#include "cli/help_text.h"

#include <algorithm>

namespace noisett::cli {
namespace {

constexpr size_t kNameColumn = 22;
constexpr size_t kLineWidth = 100;

std::string Row(std::string_view name, std::string_view summary) {
  std::string line = "  " + std::string(name);
  line += line.size() < kNameColumn ? std::string(kNameColumn - line.size(), ' ') : " ";
  return line + OneLine(summary, kLineWidth - line.size()) + "\n";
}

// "  --a --b ..." wrapped at kLineWidth. Appended piece by piece: g++ 12 warns (-Wrestrict,
// falsely) on `" " + std::string(item)` here.
std::string WrappedList(const std::vector<std::string_view>& items) {
  std::string out = " ";
  size_t line_start = 0;
  for (std::string_view item : items) {
    if (out.size() - line_start + 1 + item.size() > kLineWidth) {
      out.append("\n ");
      line_start = out.size() - 1;
    }
    out.append(" ").append(item);
  }
  return out.append("\n");
}

}  // namespace

std::string OneLine(std::string_view text, size_t width) {
  const size_t sentence_end = text.find(". ");
  if (sentence_end != std::string_view::npos) text = text.substr(0, sentence_end);
  if (text.size() <= width) return std::string(text);
  const size_t room = width > 3 ? width - 3 : 0;
  size_t cut = text.rfind(' ', room);
  if (cut == std::string_view::npos || cut == 0) cut = room;
  return std::string(text.substr(0, cut)) + "...";
}

std::string TopLevelHelp(std::string_view version_line, const std::vector<HelpEntry>& subcommands,
                         std::span<const service::CommandDoc> commands,
                         const std::vector<std::string_view>& shared_flags) {
  std::string out = std::string(version_line) +
                    ": the secure image back end of the image-generation app.\n\n"
                    "Usage: noisett COMMAND [OPTIONS]       (noisett COMMAND --help: its options)\n"
                    "       noisett NAME ['JSON'] [--user U | --server URL --token T]\n"
                    "                                       (noisett NAME --help: its fields)\n"
                    "       noisett --version\n\nCommands:\n";
  for (const HelpEntry& entry : subcommands) out += Row(entry.name, entry.summary);
  out +=
      "\nAPI commands (JSON in, JSON out; direct on the store with --user U, or remote with "
      "--server URL\nand a token; administrators' need a Noisett.Admin token):\n";
  for (const service::CommandDoc& doc : commands) out += Row(doc.name, doc.summary);
  out +=
      "\nShared options (every command that uses the store; each also an environment variable, "
      "described\nin `noisett serve --help`):\n" +
      WrappedList(shared_flags) +
      "\nStore: `noisett init` (or the first `noisett serve`) creates it; every other command "
      "refuses a\nmissing one (exit 2), so a mistyped data directory never becomes a new, empty "
      "store.\n\nExit status: 0 done; 1 failed (`noisett: CODE: message` on stderr, the error "
      "object on stdout);\n2 usage or set-up error; 3 the blob store is out of space.\n";
  return out;
}

std::string CommandHelp(const service::CommandDoc& doc) {
  std::string out = "noisett " + std::string(doc.name) + ": " + std::string(doc.summary) + "\n";
  const size_t open = doc.summary.find('{');
  const size_t close = doc.summary.rfind('}');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    out += "Input fields (a JSON object; ? optional): " +
           std::string(doc.summary.substr(open, close - open + 1)) + "\n";
  }
  return out + "\n";
}

}  // namespace noisett::cli
