// The error value every module returns inside a Result<T>. A small fixed set of codes (the kind of
// failure, which the edges map to HTTP statuses and CLI exit codes) plus a stable machine-readable
// reason ("too_many_pixels") and a human message. Mapping to transport lives at the edges, not here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace noisett {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kUnauthenticated,
  kPermissionDenied,
  kConflict,
  kTooLarge,
  kUnsupported,
  kUnavailable,
  kInsufficientStorage,  // the store is out of space (ENOSPC, EDQUOT); retry once freed
  kResourceExhausted,    // a quota or a queue limit: retry after Error::retry_after_s
  // A server this one called for the caller (an import URL, the image generator) took too long.
  // Not kUnavailable: that says this server is busy or down and a retry here will help.
  kUpstreamTimeout,
  // That server failed or answered something unusable (an error status, a header too large).
  kUpstreamFailed,
  kInternal,
};

// Stable lowercase name of a code ("invalid_argument"), for logs and JSON.
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string reason;   // stable, machine-readable: "empty", "too_large", "corrupt", ...
  std::string message;  // for people; never contains secrets
  // When to try again, in seconds (0: not said): a quota or a full queue. HTTP sends it as
  // Retry-After.
  int64_t retry_after_s = 0;

  // "reason: message", the form logs and the CLI print.
  std::string ToString() const;
};

inline Error MakeError(ErrorCode code, std::string reason, std::string message) {
  return Error{code, std::move(reason), std::move(message)};
}

}  // namespace noisett
