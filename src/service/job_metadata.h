// metadata.json, the blob beside a job's images that describes the job (DESIGN.md, "Blob layout"):
// enough to rebuild the catalog from blobs alone. Written on every upload; read by
// catalog.rebuild and fsck, which trust nothing in it they have not checked: the parser is strict
// and ties the document to the path it was found under.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "core/result.h"
#include "storage/blob_store.h"

namespace noisett::service {

// {job_id, user_id, prompt, asset_type, quality, model, created_at (ISO),
//  images[{index, seed, filename, bytes, width, height}]}, pretty-printed.
std::string MetadataJson(const catalog::Generation& job);

// How metadata.json is stored: application/json, no-cache (it is rewritten as images join the
// job), with `tags` less blob_kind: only images carry blob_kind=image, the tier-to-archive rule's
// filter, so metadata.json stays online and rewritable (lifecycle/retention.h).
storage::PutOptions MetadataPutOptions(storage::Tags tags);

// A metadata.json larger than this is refused before it is read (a real one is ~2 KiB: the
// prompt is at most 4000 bytes and a job holds at most 8 images).
inline constexpr uint64_t kMaxMetadataBytes = 64 * 1024;

// Parses a metadata.json found under generated/{user_id}/{job_id}/ into the job it describes:
// every field, images by index with blob_path = generated/U/J/FILENAME and content_type from the
// extension. thumbnail_path is the conventional thumb_ path; thumbnail_bytes is left 0 (the
// listing knows it, the document does not); deleted_at is unset.
// Strict: required fields with their JSON types and the upload's length limits; user_id and
// job_id equal to the path's; at most 8 images, each index 0..7 once, filename exactly
// image_{index}.jpg or image_{index}.webp (so no path trick like "../x" can name another blob);
// created_at "YYYY-MM-DDTHH:MM:SSZ". Unknown fields are ignored (a newer writer may add some).
// Errors: kInvalidArgument "bad_metadata" with the first problem in the message.
Result<catalog::Generation> ParseMetadataJson(std::string_view text, std::string_view user_id,
                                              std::string_view job_id);

}  // namespace noisett::service
