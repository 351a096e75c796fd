// Names for error codes; kept beside the enum so a new code cannot go unnamed (-Wswitch).
#include "core/error.h"

namespace noisett {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInsufficientStorage: return "insufficient_storage";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kUpstreamTimeout: return "upstream_timeout";
    case ErrorCode::kUpstreamFailed: return "upstream_failed";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  if (message.empty()) return reason;
  return reason + ": " + message;
}

}  // namespace noisett
