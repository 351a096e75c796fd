// The CLI's list of registry commands (see command_names.h).
#include "cli/command_names.h"

#include <algorithm>

#include "core/suggest.h"

namespace noisett::cli {
namespace {

constexpr std::string_view kAdminCommands[] = {"lifecycle.run", "lifecycle.export",
                                               "users.set_tier", "cost.estimate"};

}  // namespace

const std::vector<std::string_view>& RegistryCommandNames() {
  static const std::vector<std::string_view> names = {
      "images.upload",      "images.url",     "images.list",      "history.list",
      "history.get",        "history.delete", "history.restore",  "history.favorite",
      "history.unfavorite", "favorites.list", "storage.metrics",  "images.rehydrate",
      "generate",           "jobs.get",       "jobs.result",      "jobs.cancel",
      "images.import",      "lifecycle.run",  "lifecycle.export", "users.set_tier",
      "cost.estimate"};
  return names;
}

bool IsAdminCommand(std::string_view name) {
  return std::find(std::begin(kAdminCommands), std::end(kAdminCommands), name) !=
         std::end(kAdminCommands);
}

bool IsRegistryCommand(std::string_view name) {
  const auto& names = RegistryCommandNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string UnknownCommandMessage(std::string_view typed,
                                  const std::vector<std::string_view>& others) {
  std::vector<std::string_view> names = RegistryCommandNames();
  names.insert(names.end(), others.begin(), others.end());
  return "no command \"" + std::string(typed.substr(0, 64)) + "\"" + DidYouMean(typed, names);
}

}  // namespace noisett::cli
