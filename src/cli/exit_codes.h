// The exit statuses every noisett command shares, so scripts can tell "try later" from "broken":
//   0 done; 1 failed (the message says why); 2 bad usage, or the command could not start;
//   3 the blob store (or the catalog's volume) is out of space: free space, then run it again.
#pragma once

#include "core/error.h"

namespace noisett::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNoSpace = 3;

// The status for a command that failed with `e`.
inline int ExitCodeFor(const Error& e) {
  return e.code == ErrorCode::kInsufficientStorage ? kExitNoSpace : kExitFailed;
}

// The status for a remote command answered with a failure `http_status` (507: out of space).
inline int ExitCodeForHttpStatus(long http_status) {
  return http_status == 507 ? kExitNoSpace : kExitFailed;
}

}  // namespace noisett::cli
