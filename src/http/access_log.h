// One structured line per request ("access id=.. method=GET path=/api/history route=... status=200
// bytes=123 ms=1.25 ..."), written through core/log.h. Only the path is logged, never the query
// (link signatures live there) nor any header (tokens live there); values are sanitized so a
// client cannot forge extra fields or lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace noisett::http {

struct AccessEntry {
  std::string request_id;
  std::string method;
  std::string path;   // without the query
  std::string route;  // the matched pattern, "" when none
  int status = 0;
  uint64_t bytes_in = 0;   // request body
  uint64_t bytes_out = 0;  // response body
  double latency_ms = 0;
  std::string remote;
  std::string user;
  std::string error;  // the error reason of a JSON error response
};

// The line, without timestamp or level (the log facade adds those).
std::string FormatAccessLine(const AccessEntry& entry);

// The path part of a request-target: everything before '?' or '#'.
std::string_view PathOnly(std::string_view target);

void LogAccess(const AccessEntry& entry);

}  // namespace noisett::http
