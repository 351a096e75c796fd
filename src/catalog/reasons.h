// The error reasons the catalog answers with (catalog.h lists which call gives which), as
// constants: callers in other modules that decide on a reason compare with these, never with a
// spelled-out string.
#pragma once

#include <string_view>

#include "core/result.h"

namespace noisett::catalog::reason {

inline constexpr std::string_view kJobNotFound = "job_not_found";
inline constexpr std::string_view kImageNotFound = "image_not_found";
inline constexpr std::string_view kUserNotFound = "user_not_found";
inline constexpr std::string_view kJobExists = "job_exists";
inline constexpr std::string_view kJobFull = "job_full";
inline constexpr std::string_view kImageExists = "image_exists";
// The job queue's (job_queue.h).
inline constexpr std::string_view kLeaseLost = "lease_lost";
inline constexpr std::string_view kBadJob = "bad_job";

// True when `error` is the catalog's refusal for `reason`.
inline bool Is(const Error& error, std::string_view reason) { return error.reason == reason; }

}  // namespace noisett::catalog::reason
