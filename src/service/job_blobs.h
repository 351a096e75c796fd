// The blobs of one job: its images, thumbnails, renditions and metadata.json, deleted and restored
// together.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "storage/blob_store.h"

namespace noisett::service {

// The blob of one rendition of `image`, beside the image (core/blob_paths.h: r512_image_0.avif).
std::string RenditionPath(const catalog::ImageRecord& image, const catalog::Rendition& rendition);

// Every blob the catalog says the job has: images, thumbnails, renditions, metadata.json.
std::vector<std::string> JobBlobPaths(const catalog::Generation& job);

// Soft-deletes / undeletes every blob of the job; a blob already in the wanted state is fine.
Status DeleteJobBlobs(storage::BlobStore& blobs, const catalog::Generation& job);
Status UndeleteJobBlobs(storage::BlobStore& blobs, const catalog::Generation& job);

}  // namespace noisett::service
