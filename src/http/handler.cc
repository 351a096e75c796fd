// The Exchange that only answers.
#include "http/handler.h"

#include <utility>

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

}  // namespace

Exchange::~Exchange() = default;

std::unique_ptr<Exchange> AnswerExchange(HttpResponse answer) {
  return std::make_unique<Answer>(std::move(answer));
}

}  // namespace noisett::http
