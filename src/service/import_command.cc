// Placeholder (issue 9).
#include "service/service.h"

namespace noisett::service {

void RegisterImportCommands(CommandRegistry&, ServiceDeps&) {}

}  // namespace noisett::service
