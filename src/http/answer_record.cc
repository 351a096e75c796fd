// Recording an answered request.
#include "http/answer_record.h"

#include "http/request_metrics.h"

namespace noisett::http {

void AnswerRecord::TakeFrom(HttpResponse& res) {
  status = res.status;
  route = std::move(res.route);
  user = std::move(res.user);
  error = std::move(res.error_reason);
  egress_kind = std::move(res.egress_kind);
}

void RecordAnswer(const HttpRequest& request, std::string_view remote, const AnswerRecord& answer,
                  bool written, AccessLog* access_log) {
  const auto elapsed = std::chrono::steady_clock::now() - answer.started;
  RecordRequest(request.method, answer.route, answer.status,
                std::chrono::duration<double>(elapsed).count());
  if (written && !answer.egress_kind.empty()) RecordEgress(answer.egress_kind, answer.bytes_out);
  if (access_log == nullptr) return;
  AccessEntry e;
  e.request_id = request.request_id;
  e.method = request.method.empty() ? std::string_view("-") : request.method;
  e.path = request.target.empty() ? std::string_view("-") : PathOnly(request.target);
  e.route = answer.route;
  e.status = answer.status;
  e.bytes_in = answer.bytes_in;
  e.bytes_out = answer.bytes_out;
  e.latency_ms = std::chrono::duration<double, std::milli>(elapsed).count();
  e.remote = remote;
  e.user = answer.user;
  e.error = answer.error;
  access_log->Write(e);
}

}  // namespace noisett::http
