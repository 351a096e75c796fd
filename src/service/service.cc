// Service wiring.
#include "service/service.h"

namespace noisett::service {

Service::Service(ServiceDeps deps) : deps_(std::move(deps)) {
  RegisterImageCommands(registry_, deps_);
  RegisterHistoryCommands(registry_, deps_);
  RegisterFavoriteCommands(registry_, deps_);
  RegisterMetricsCommands(registry_, deps_);
  RegisterLifecycleCommands(registry_, deps_);
  RegisterCostCommands(registry_, deps_);
  RegisterUserCommands(registry_, deps_);
  RegisterGenerateCommands(registry_, deps_);
  RegisterImportCommands(registry_, deps_);
}

Result<nlohmann::json> Service::Run(std::string_view command, const auth::User& user,
                                    const CommandInput& input) const {
  return registry_.Run(command, CommandContext{user}, input);
}

Result<std::string> Service::RunText(std::string_view command, const auth::User& user,
                                     const CommandInput& input) const {
  return registry_.RunText(command, CommandContext{user}, input);
}

Status Service::CheckReady() const {
  if (auto ok = deps_.blobs.CheckReady(); !ok) return ok;
  return deps_.catalog.CheckReady();
}

}  // namespace noisett::service
