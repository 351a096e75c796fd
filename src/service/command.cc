// The command registry.
#include "service/command.h"

#include "auth/authenticator.h"

namespace noisett::service {

void CommandRegistry::Register(CommandSpec spec) {
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

Result<const CommandSpec*> CommandRegistry::Admit(std::string_view name,
                                                  const CommandContext& context,
                                                  const CommandInput& input) const {
  const CommandSpec* spec = Find(name);
  if (spec == nullptr) {
    std::string shown(name.substr(0, 64));
    return Unexpected(MakeError(ErrorCode::kNotFound, "unknown_command",
                                "no command named '" + shown + "'"));
  }
  if (!input.args.is_object()) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_input",
                                "the input of " + spec->name + " must be a JSON object"));
  }
  if (spec->admin_only) {
    if (auto ok = auth::RequireAdmin(context.user); !ok) return Unexpected(ok.error());
  }
  return spec;
}

Result<nlohmann::json> CommandRegistry::Run(std::string_view name, const CommandContext& context,
                                            const CommandInput& input) const {
  auto spec = Admit(name, context, input);
  if (!spec) return Unexpected(spec.error());
  if ((*spec)->handler) return (*spec)->handler(context, input);
  auto text = (*spec)->text_handler(context, input);
  if (!text) return Unexpected(text.error());
  nlohmann::json tree = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) {
    return Unexpected(MakeError(ErrorCode::kInternal, "bad_answer",
                                (*spec)->name + " answered text that is not JSON"));
  }
  return tree;
}

Result<std::string> CommandRegistry::RunText(std::string_view name, const CommandContext& context,
                                             const CommandInput& input) const {
  auto spec = Admit(name, context, input);
  if (!spec) return Unexpected(spec.error());
  if ((*spec)->text_handler) return (*spec)->text_handler(context, input);
  auto tree = (*spec)->handler(context, input);
  if (!tree) return Unexpected(tree.error());
  // Replace rather than throw: answers may quote client bytes that are not UTF-8.
  return tree->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace noisett::service
