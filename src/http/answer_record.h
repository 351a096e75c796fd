// What the server records of one answered request once its response is written, or has failed (a
// streamed one when it ends): the access-log line (access_log.h) and the request metrics
// (request_metrics.h). The session keeps an AnswerRecord from the request's first byte until then.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/access_log.h"
#include "http/http_types.h"

namespace noisett::http {

struct AnswerRecord {
  std::chrono::steady_clock::time_point started;  // the request's first byte
  int status = 0;
  std::string route, user, error, egress_kind;  // as HttpResponse says them
  uint64_t bytes_in = 0;   // the request body's size, kept once the body is freed
  uint64_t bytes_out = 0;  // body bytes written (a stream's without its chunk framing)

  // The status and the log-only fields of the answer about to be written.
  void TakeFrom(HttpResponse& res);
};

// The duration histogram, the egress counter (only when `written`: egress is what reached the
// socket) and, unless `access_log` is null, the access line. `request` may be empty (a refused
// header); `remote` is the peer's address.
void RecordAnswer(const HttpRequest& request, std::string_view remote, const AnswerRecord& answer,
                  bool written, AccessLog* access_log);

}  // namespace noisett::http
