// metadata.json, the blob beside a job's images that describes the job (DESIGN.md, "Blob layout"):
// enough to rebuild the catalog from blobs alone. Written on every upload; read by
// catalog.rebuild and fsck.
#pragma once

#include <string>

#include "catalog/catalog.h"

namespace noisett::service {

// {job_id, user_id, prompt, asset_type, quality, model, created_at (ISO),
//  images[{index, seed, filename, bytes, width, height}]}, pretty-printed.
std::string MetadataJson(const catalog::Generation& job);

}  // namespace noisett::service
