// Placeholder (issue 9).
#include "service/service.h"

namespace noisett::service {

void RegisterGenerateCommands(CommandRegistry&, ServiceDeps&) {}

}  // namespace noisett::service
