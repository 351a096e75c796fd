// images.upload: validate → optimize → thumbnail (the image pipeline) → blobs (image, thumbnail,
// metadata.json) → catalog row, in that order. If a later step fails, what was written is
// removed and nothing is listed: a job is visible only once all of it exists.
#pragma once

#include <nlohmann/json.hpp>

#include "service/command.h"
#include "service/service.h"

namespace noisett::service {

Result<nlohmann::json> Upload(ServiceDeps& deps, const CommandContext& ctx,
                              const CommandInput& in);

}  // namespace noisett::service
