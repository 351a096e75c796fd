// The Exchange that only answers.
#include "http/handler.h"

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "core/log.h"

namespace noisett::http {
namespace {

class Answer final : public Exchange {
 public:
  explicit Answer(HttpResponse answer) : answer_(std::move(answer)) {}
  Lane lane() const noexcept override { return Lane::kIo; }
  std::optional<HttpResponse> AdmitBody(const HttpRequest&) override { return answer_; }
  HttpResponse Handle(const HttpRequest&) override { return std::move(answer_); }

 private:
  HttpResponse answer_;
};

// What `call` returns, or `fallback()` when it throws (logged).
template <typename Call, typename Fallback>
auto Guarded(std::string_view what, Call&& call, Fallback&& fallback) -> decltype(call()) {
  try {
    return call();
  } catch (const std::exception& e) {
    LogError("http: " + std::string(what) + " threw: " + e.what());
  } catch (...) {
    LogError("http: " + std::string(what) + " threw a non-exception");
  }
  return fallback();
}

HttpResponse InternalError() { return ErrorResponse(500, "internal", "internal error"); }

}  // namespace

Exchange::~Exchange() = default;

std::unique_ptr<Exchange> AnswerExchange(HttpResponse answer) {
  return std::make_unique<Answer>(std::move(answer));
}

std::unique_ptr<Exchange> OpenExchange(const Handler& handler, const HttpRequest& head) {
  auto exchange = Guarded(
      "opening a request", [&] { return handler.open(head); },
      [] { return std::unique_ptr<Exchange>(); });
  return exchange ? std::move(exchange) : AnswerExchange(InternalError());
}

std::optional<HttpResponse> AdmitBodyGuarded(Exchange& exchange, const HttpRequest& head) {
  return Guarded(
      "body check", [&] { return exchange.AdmitBody(head); },
      [] { return std::optional<HttpResponse>(InternalError()); });
}

HttpResponse HandleGuarded(Exchange& exchange, const HttpRequest& request) {
  return Guarded(
      "handler", [&] { return exchange.Handle(request); }, InternalError);
}

}  // namespace noisett::http
