// Routing: which handler serves a method and path. Patterns are '/'-separated literals, "{name}"
// for one segment, and a final "*" for one or more remaining segments ("/blobs/*"). The path is
// split and decoded by SplitPath before any matching, so every parameter a handler sees is one
// clean segment: never empty, ".", "..", and never containing '/', '\', NUL or control bytes —
// such requests are answered 400 here. What the parameters mean is the handlers' business.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.h"
#include "http/server.h"

namespace noisett::http {

struct RouteParams {
  std::map<std::string, std::string, std::less<>> named;  // "{job}" -> "01J..."
  std::vector<std::string> rest;                          // the segments matched by "*"

  // The named parameter or "" (a pattern without it is a programming error).
  const std::string& Get(std::string_view name) const;
};

using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;
// A route's check of a request's head before its (large) body is read: an answer refuses it.
using BodyCheck = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

class Router final {
 public:
  // `lane`: where the server runs the handler (server.h): kWorkers when it may block or burn CPU
  // (store, images), kReads for a quick catalog read, kIo only when it never blocks.
  // `admit_body`: see AdmitBody.
  void Add(std::string method, std::string_view pattern, RouteHandler handler,
           Lane lane = Lane::kWorkers, BodyCheck admit_body = {});

  // The matching handler's response, with `route` set to its pattern. 400 "bad_path" for a path
  // SplitPath refuses, 404 "not_found" for no pattern, 405 "method_not_allowed" (with Allow) when
  // the path matches under other methods. An exception from a handler becomes a 500.
  HttpResponse Handle(const HttpRequest& request) const;

  // The lane of the request's route; kWorkers, the safe default, when none matches by shape.
  Lane LaneOf(const HttpRequest& request) const;

  // For Handler::admit_body, from a request's head: what Handle would answer when no route
  // matches (400, 404, 405), 413 for a route without a BodyCheck (it takes no large body), else
  // the route's BodyCheck verdict; nullopt reads the body.
  std::optional<HttpResponse> AdmitBody(const HttpRequest& head) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> parts;
    RouteHandler handler;
    Lane lane = Lane::kWorkers;
    BodyCheck admit_body;
  };
  static bool Match(const Route& route, const std::vector<std::string>& segments,
                    RouteParams* params);
  const Route* Find(const HttpRequest& request, const std::vector<std::string>& segments,
                    RouteParams* params, std::string* allow) const;
  // The request's route, or null with the error answer in `refusal`.
  const Route* Resolve(const HttpRequest& request, RouteParams* params,
                       HttpResponse* refusal) const;

  std::vector<Route> routes_;
};

}  // namespace noisett::http
