// Reading configuration from environment variables: typed lookups with defaults and clear errors.
// Pure apart from getenv; callers decide what a missing or bad value means for them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace noisett {

// The variable's value, or nullopt when unset or empty.
std::optional<std::string> GetEnv(const char* name);

// An unsigned integer from `name`, `fallback` when unset. Accepts a plain number or one with a
// binary suffix (K, M, G = KiB, MiB, GiB). Errors: kInvalidArgument naming the variable.
Result<uint64_t> GetEnvUint(const char* name, uint64_t fallback);

// Parses "10485760", "10M", "40000000" (the same grammar as GetEnvUint). `what` names the source
// in the error message.
Result<uint64_t> ParseUintWithSuffix(const std::string& text, const std::string& what);

}  // namespace noisett
