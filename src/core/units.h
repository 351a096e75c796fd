// Numbers with units as operators type them: sizes with binary suffixes ("10M") and durations
// ("90s", "30m", "24h", "7d"). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett {

// "10485760", "10M", "40000000": a non-negative integer, optionally with K, M or G (KiB, MiB,
// GiB). `what` names the source in the error. Errors: kInvalidArgument "bad_config".
Result<uint64_t> ParseUintWithSuffix(const std::string& text, const std::string& what);

// "90s", "30m", "1h", "7d" or plain seconds, in seconds.
// Errors: kInvalidArgument "bad_duration".
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace noisett
