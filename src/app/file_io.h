// Whole-file reads with a size cap and atomic whole-file writes (the CLI's batch commands, a
// lifecycle policy file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace noisett::app {

// Reads at most `max_bytes` + 1 bytes, so an oversize file is detected without reading it all
// (the caller compares the size with its limit). Errors: kNotFound, kInvalidArgument (not a
// regular file), kUnavailable (read failure).
Result<std::string> ReadFileCapped(const std::filesystem::path& path, uint64_t max_bytes);

// Writes to a temporary file in the same directory, fsyncs it and renames it over `path`, so a
// reader never sees half a file; on failure the temporary file is removed. Errors:
// kInsufficientStorage "insufficient_storage" (ENOSPC, EDQUOT), else kUnavailable with the OS
// reason.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data);

}  // namespace noisett::app
