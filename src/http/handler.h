// What the server asks of the application for each request, and nothing of the transport: the
// server (server.h) reads a request's head, asks Handler::open once for that request's Exchange,
// and then asks the Exchange where to run (lane), whether a large body may be read (AdmitBody)
// and for the answer (Handle). The router (router.h) is the usual Handler: it resolves the route
// once, in open, so nothing downstream walks the route table again. An answer whose body comes
// over time (Server-Sent Events) is a ResponseStream in HttpResponse::stream (response_stream.h):
// Handle returns at once and its thread is free while the stream produces.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "http/http_types.h"

namespace noisett::http {

// Where an exchange is handled (Exchange::lane).
enum class Lane {
  kIo,       // the connection's I/O thread: cheap and never blocking (health, signed links)
  kWorkers,  // the worker pool: store writes, image work, anything slow
  kReads,    // the read pool: quick catalog reads, kept out of the workers' queue
};

// One request's route, chosen once from its head. The server calls, in this order and never
// concurrently: AdmitBody (only for a large body), then lane() and Handle once each, unless the
// request is refused or the connection ends first. Each call may run on a different thread; the
// server orders them, so an Exchange needs no lock for what it keeps between them.
class Exchange {
 public:
  virtual ~Exchange();

  // Where Handle runs.
  virtual Lane lane() const noexcept = 0;

  // Only for a large body (over 64 KiB, or chunked), before any byte of it is read or waits for
  // room in the server's body budget; on a thread of its own (it may fetch keys). `head` is the
  // request without its body, the same object Handle later gets with the body. An answer refuses
  // the request: the body is never read and the connection closes after the answer. nullopt
  // reads the body.
  virtual std::optional<HttpResponse> AdmitBody(const HttpRequest& head) = 0;

  // The answer to the whole request, on lane()'s thread. Should not throw: the server still
  // catches anything and answers 500. The answer may stream its body (HttpResponse::stream):
  // the server then asks the stream for pieces from the connection's I/O thread (server.h).
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
};

struct Handler {
  // The Exchange for a request's head (empty body), on the connection's I/O thread: must be cheap
  // and never block. Never null; a throw is answered 500.
  std::function<std::unique_ptr<Exchange>(const HttpRequest& head)> open;
};

// An Exchange that answers `answer` on the I/O thread, from the head when the body is large: a
// refusal decided from the head alone (no route, a bad path).
std::unique_ptr<Exchange> AnswerExchange(HttpResponse answer);

// How the server makes those calls: a throw (logged) or a null exchange is answered 500, so a bug
// in a handler never reaches an I/O loop.
std::unique_ptr<Exchange> OpenExchange(const Handler& handler, const HttpRequest& head);
std::optional<HttpResponse> AdmitBodyGuarded(Exchange& exchange, const HttpRequest& head);
HttpResponse HandleGuarded(Exchange& exchange, const HttpRequest& request);

}  // namespace noisett::http
