// One structured line per request ("access id=.. method=GET path=/api/history route=... status=200
// bytes=123 ms=1.25 ..."), and the server's AccessLog that gathers them. Only the path is logged,
// never the query (link signatures live there) nor any header (tokens live there); values are
// sanitized so a client cannot forge extra fields or lines.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/log.h"

namespace noisett::http {

// Views of the request's and the answer's values, valid for the call they are passed to.
struct AccessEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view path;   // the query, if any, is cut off (PathOnly)
  std::string_view route;  // the matched pattern, "" when none
  int status = 0;
  uint64_t bytes_in = 0;   // request body
  uint64_t bytes_out = 0;  // response body
  double latency_ms = 0;
  std::string_view remote;
  std::string_view user;
  std::string_view error;  // the error reason of a JSON error response
};

// The line, without timestamp or level (the log facade adds those).
std::string FormatAccessLine(const AccessEntry& entry);
// The same line appended to `out`.
void AppendAccessLine(std::string* out, const AccessEntry& entry);

// The path part of a request-target: everything before '?' or '#'.
std::string_view PathOnly(std::string_view target);

// The server's access log. Each thread that writes gathers its lines in a buffer of its own (no
// lock shared with another writer, no write(2) per request) that goes to the log once 64 KiB have
// gathered, or within about a second by a flusher thread, and when the AccessLog is destroyed. A
// crash loses at most the last second of lines, as nginx's `access_log ... buffer=64k flush=1s`.
// Lines keep the time they were written at. Thread-safe.
class AccessLog final {
 public:
  AccessLog();
  ~AccessLog();  // stops the flusher, then writes every buffered line
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Write(const AccessEntry& entry);
  // Writes every buffered line now.
  void Flush();

 private:
  struct Buffer;
  Buffer& ThisThreadsBuffer();
  void FlushEverySecond();

  const uint64_t id_;  // tells this log's per-thread buffers from another's (ThisThreadsBuffer)
  std::mutex mu_;
  std::vector<std::unique_ptr<Buffer>> buffers_;  // GUARDED_BY(mu_); one per writing thread
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread flusher_;
};

}  // namespace noisett::http
