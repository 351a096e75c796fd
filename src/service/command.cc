// The command registry.
#include "service/command.h"

#include "auth/authenticator.h"
#include "service/command_docs.h"
#include "core/suggest.h"

namespace noisett::service {

void CommandRegistry::Register(CommandSpec spec) {
  if (const CommandDoc* doc = FindCommandDoc(spec.name); doc != nullptr && spec.summary.empty()) {
    spec.summary = std::string(doc->summary);
  }
  std::string name = spec.name;
  commands_.insert_or_assign(std::move(name), std::move(spec));
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

std::vector<const CommandSpec*> CommandRegistry::All() const {
  std::vector<const CommandSpec*> out;
  for (const auto& [name, spec] : commands_) out.push_back(&spec);
  return out;
}

std::vector<std::string_view> CommandRegistry::Names() const {
  std::vector<std::string_view> names;
  for (const auto& [name, spec] : commands_) names.push_back(name);
  return names;
}

std::string UnknownCommandMessage(std::string_view typed,
                                  const std::vector<std::string_view>& names) {
  return "no command \"" + std::string(typed.substr(0, 64)) + "\"" + DidYouMean(typed, names);
}

Result<std::string> CommandRegistry::Run(std::string_view name, const CommandContext& context,
                                         const CommandInput& input) const {
  const CommandSpec* spec = Find(name);
  if (spec == nullptr) {
    return Unexpected(
        MakeError(ErrorCode::kNotFound, "unknown_command", UnknownCommandMessage(name, Names())));
  }
  if (!input.args.is_object()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input",
                                "the input of " + spec->name + " must be a JSON object"));
  }
  if (spec->admin_only) {
    if (auto ok = auth::RequireAdmin(context.user); !ok) return Unexpected(ok.error());
  }
  return spec->run(context, input);
}

std::string DumpJson(const nlohmann::json& tree) {
  return tree.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace noisett::service
