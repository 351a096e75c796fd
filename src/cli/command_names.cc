// The registry's command names for the CLI (see command_names.h).
#include "cli/command_names.h"

#include "service/command.h"
#include "service/command_docs.h"

namespace noisett::cli {

std::vector<std::string_view> RegistryCommandNames() {
  std::vector<std::string_view> names;
  for (const service::CommandDoc& doc : service::CommandDocs()) names.push_back(doc.name);
  return names;
}

bool IsRegistryCommand(std::string_view name) { return service::FindCommandDoc(name) != nullptr; }

std::string UnknownCommandMessage(std::string_view typed,
                                  const std::vector<std::string_view>& others) {
  std::vector<std::string_view> names = RegistryCommandNames();
  names.insert(names.end(), others.begin(), others.end());
  return service::UnknownCommandMessage(typed, names);
}

}  // namespace noisett::cli
