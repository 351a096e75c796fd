// Routing: which handler serves a method and path. Patterns are '/'-separated literals, "{name}"
// for one segment, and a final "*" for one or more remaining segments ("/blobs/*"). The path is
// split and decoded by SplitPath before any matching, so every parameter a handler sees is one
// clean segment: never empty, ".", "..", and never containing '/', '\', NUL or control bytes —
// such requests are answered 400 here. What the parameters mean is the handlers' business.
//
// The router is the server's Handler (RouterHandler): Open resolves a request from its head once
// (one SplitPath, one walk of the table) into an Exchange that knows its route, so the lane, the
// body check and the handling ask nothing of the table again.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.h"
#include "http/http_types.h"

namespace noisett::http {

struct RouteParams {
  std::map<std::string, std::string, std::less<>> named;  // "{job}" -> "01J..."
  std::vector<std::string> rest;                          // the segments matched by "*"

  // The named parameter or "" (a pattern without it is a programming error).
  const std::string& Get(std::string_view name) const;
};

using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;

// A route's part of one request, for routes that keep something from a request's body check to
// its handling (the API keeps the caller it authenticated). Called as Exchange's methods are.
class RouteCall {
 public:
  virtual ~RouteCall();
  // As Exchange::AdmitBody: an answer refuses the request before its large body is read.
  virtual std::optional<HttpResponse> AdmitBody(const HttpRequest& head) = 0;
  virtual HttpResponse Handle(const HttpRequest& request, const RouteParams& params) = 0;
};
// Makes a RouteCall for each request routed to its route (on the I/O thread: cheap).
using RouteOpener = std::function<std::unique_ptr<RouteCall>()>;

class Router final {
 public:
  // `lane`: where the server runs the handler (handler.h): kWorkers when it may block or burn
  // CPU (store, images), kReads for a quick catalog read, kIo only when it never blocks.
  // A route added with a RouteHandler takes no large body (413 from the head): health, links and
  // the gallery's files read none, so a client cannot hold the server's body budget with them.
  void Add(std::string method, std::string_view pattern, RouteHandler handler,
           Lane lane = Lane::kWorkers);
  // A route whose requests each get a RouteCall from `open`, which decides on large bodies.
  void Add(std::string method, std::string_view pattern, RouteOpener open, Lane lane);

  // The request's Exchange, from its head; never null. It points into the table: add every route
  // before the first Open, and keep the router alive while its exchanges are (RouterHandler does).
  // A refusal is an Exchange that answers it on the I/O thread (to the body check too): 400
  // "bad_path" for a path SplitPath refuses, 404 "not_found" for no pattern, 405
  // "method_not_allowed" (with Allow) when the path matches under other methods. Otherwise the
  // route's: its lane; its RouteCall's body check, or 413 for a route added without one; its
  // handler's answer, with `route` set to its pattern (on the body check's refusal too), and an
  // exception from the handler answered 500.
  std::unique_ptr<Exchange> Open(const HttpRequest& head) const;

  // Open(request)->Handle(request): the answer to a whole request (tests, in-process callers).
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> parts;
    RouteHandler handler;  // one of these two
    RouteOpener open;
    Lane lane = Lane::kWorkers;
  };
  class Routed;
  void AddRoute(Route route);

  std::vector<Route> routes_;
};

// The server's Handler over `router` (kept alive by it).
Handler RouterHandler(std::shared_ptr<const Router> router);

}  // namespace noisett::http
