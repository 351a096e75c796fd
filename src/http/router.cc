// Linear route matching: a dozen routes, so a vector beats any cleverness.
#include "http/router.h"

#include <exception>

#include "core/log.h"

namespace noisett::http {

const std::string& RouteParams::Get(std::string_view name) const {
  static const std::string kEmpty;
  auto it = named.find(name);
  return it == named.end() ? kEmpty : it->second;
}

void Router::Add(std::string method, std::string_view pattern, RouteHandler handler, Lane lane,
                 BodyCheck admit_body) {
  Route route{std::move(method), std::string(pattern), {}, std::move(handler), lane,
              std::move(admit_body)};
  std::string_view rest = pattern.substr(1);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    route.parts.emplace_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, const std::vector<std::string>& segments,
                   RouteParams* params) {
  const auto& parts = route.parts;
  bool wildcard = !parts.empty() && parts.back() == "*";
  size_t fixed = wildcard ? parts.size() - 1 : parts.size();
  if (wildcard ? segments.size() <= fixed : segments.size() != fixed) return false;
  RouteParams found;
  for (size_t i = 0; i < fixed; ++i) {
    const std::string& part = parts[i];
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      found.named.emplace(part.substr(1, part.size() - 2), segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
  }
  if (wildcard) found.rest.assign(segments.begin() + static_cast<long>(fixed), segments.end());
  *params = std::move(found);
  return true;
}

const Router::Route* Router::Find(const HttpRequest& request,
                                  const std::vector<std::string>& segments, RouteParams* params,
                                  std::string* allow) const {
  for (const Route& route : routes_) {
    RouteParams candidate;
    if (!Match(route, segments, &candidate)) continue;
    if (route.method == request.method) {
      *params = std::move(candidate);
      return &route;
    }
    if (allow->find(route.method) == std::string::npos) {
      if (!allow->empty()) *allow += ", ";
      *allow += route.method;
    }
  }
  return nullptr;
}

const Router::Route* Router::Resolve(const HttpRequest& request, RouteParams* params,
                                     HttpResponse* refusal) const {
  auto segments = SplitPath(request.path());
  if (!segments) {
    *refusal = ErrorResponse(segments.error());
    return nullptr;
  }
  std::string allow;
  const Route* route = Find(request, *segments, params, &allow);
  if (route != nullptr) return route;
  if (allow.empty()) {
    *refusal = ErrorResponse(404, "not_found", "no such route");
  } else {
    *refusal = ErrorResponse(405, "method_not_allowed", "allowed: " + allow);
    refusal->headers.Set("Allow", allow);
  }
  return nullptr;
}

std::optional<HttpResponse> Router::AdmitBody(const HttpRequest& head) const {
  RouteParams params;
  HttpResponse refusal;
  const Route* route = Resolve(head, &params, &refusal);
  if (route == nullptr) return refusal;
  if (!route->admit_body) {
    // Health, links, the gallery's files: nothing there reads a large body, so a client cannot
    // use them to hold the server's body budget without a token.
    HttpResponse res = ErrorResponse(413, "too_large", "this route takes no large request body");
    res.route = route->pattern;
    return res;
  }
  auto verdict = route->admit_body(head);
  if (verdict) verdict->route = route->pattern;
  return verdict;
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  RouteParams params;
  HttpResponse res;
  const Route* route = Resolve(request, &params, &res);
  if (route == nullptr) return res;
  try {
    res = route->handler(request, params);
  } catch (const std::exception& e) {
    // Handlers return Results; an exception here is a bug or bad_alloc. Log it once, answer 500.
    LogError(std::string("http: handler for ") + route->pattern + " threw: " + e.what());
    res = ErrorResponse(500, "internal", "internal error");
  } catch (...) {
    LogError("http: handler for " + route->pattern + " threw a non-exception");
    res = ErrorResponse(500, "internal", "internal error");
  }
  res.route = route->pattern;
  return res;
}

namespace {

// Whether the raw path has the route's shape: literal parts equal, {name} any one segment, a
// final * one or more. Nothing is decoded or allocated.
bool ShapeMatches(const std::vector<std::string>& parts, std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (parts.empty()) return path.empty();
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    if (last && parts[i] == "*") return !path.empty();
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    const bool param = parts[i].size() > 2 && parts[i].front() == '{' && parts[i].back() == '}';
    if (segment.empty() || (!param && segment != parts[i])) return false;
    if (last) return slash == std::string_view::npos;
    if (slash == std::string_view::npos) return false;
    path.remove_prefix(slash + 1);
  }
  return false;
}

}  // namespace

// Only picks the thread, on every request, so it matches the raw path by shape without decoding.
// A percent-encoded literal segment matches nothing here and goes to the workers, the safe
// default: only routes known to be cheap run on an I/O thread. Handle still routes on the decoded
// path.
Lane Router::LaneOf(const HttpRequest& request) const {
  const std::string_view path = request.path();
  for (const Route& route : routes_) {
    if (route.method == request.method && ShapeMatches(route.parts, path)) return route.lane;
  }
  return Lane::kWorkers;
}

}  // namespace noisett::http
