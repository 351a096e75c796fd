// Linear route matching: a few dozen routes, so a vector beats any cleverness.
#include "http/router.h"

#include <exception>
#include <iterator>
#include <utility>

#include "core/log.h"

namespace noisett::http {

const std::string& RouteParams::Get(std::string_view name) const {
  static const std::string kEmpty;
  auto it = named.find(name);
  return it == named.end() ? kEmpty : it->second;
}

RouteCall::~RouteCall() = default;

// A request routed to `route`: everything the server asks of it comes from the route.
class Router::Routed final : public Exchange {
 public:
  Routed(const Route& route, RouteParams params)
      : route_(route), params_(std::move(params)), call_(route.open ? route.open() : nullptr) {}

  Lane lane() const noexcept override { return route_.lane; }

  std::optional<HttpResponse> AdmitBody(const HttpRequest& head) override {
    std::optional<HttpResponse> verdict;
    if (call_) {
      verdict = call_->AdmitBody(head);
    } else {
      verdict = ErrorResponse(413, "too_large", "this route takes no large request body");
    }
    if (verdict) verdict->route = route_.pattern;
    return verdict;
  }

  HttpResponse Handle(const HttpRequest& request) override {
    HttpResponse res;
    try {
      res = call_ ? call_->Handle(request, params_) : route_.handler(request, params_);
    } catch (const std::exception& e) {
      // Handlers return Results; an exception here is a bug or bad_alloc. Log it once, answer 500.
      LogError(std::string("http: handler for ") + route_.pattern + " threw: " + e.what());
      res = ErrorResponse(500, "internal", "internal error");
    } catch (...) {
      LogError("http: handler for " + route_.pattern + " threw a non-exception");
      res = ErrorResponse(500, "internal", "internal error");
    }
    res.route = route_.pattern;
    return res;
  }

 private:
  const Route& route_;
  RouteParams params_;
  std::unique_ptr<RouteCall> call_;  // null for a route added with a RouteHandler
};

void Router::Add(std::string method, std::string_view pattern, RouteHandler handler, Lane lane) {
  AddRoute(Route{std::move(method), std::string(pattern), {}, std::move(handler), {}, lane});
}

void Router::Add(std::string method, std::string_view pattern, RouteOpener open, Lane lane) {
  AddRoute(Route{std::move(method), std::string(pattern), {}, {}, std::move(open), lane});
}

void Router::AddRoute(Route route) {
  std::string_view rest = std::string_view(route.pattern).substr(1);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    route.parts.emplace_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  routes_.push_back(std::move(route));
}

namespace {

bool IsParam(const std::string& part) {
  return part.size() > 2 && part.front() == '{' && part.back() == '}';
}

bool IsWildcard(const std::vector<std::string>& parts) {
  return !parts.empty() && parts.back() == "*";
}

// Whether the segments fit the pattern's parts: literals equal, {name} any one segment, a final
// "*" one or more.
bool Matches(const std::vector<std::string>& parts, const std::vector<std::string>& segments) {
  const bool wildcard = IsWildcard(parts);
  const size_t fixed = wildcard ? parts.size() - 1 : parts.size();
  if (wildcard ? segments.size() <= fixed : segments.size() != fixed) return false;
  for (size_t i = 0; i < fixed; ++i) {
    if (!IsParam(parts[i]) && parts[i] != segments[i]) return false;
  }
  return true;
}

// The parameters of segments that Match the parts, moved out of them.
RouteParams TakeParams(const std::vector<std::string>& parts, std::vector<std::string> segments) {
  RouteParams params;
  const size_t fixed = IsWildcard(parts) ? parts.size() - 1 : parts.size();
  for (size_t i = 0; i < fixed; ++i) {
    if (IsParam(parts[i])) {
      params.named.emplace(parts[i].substr(1, parts[i].size() - 2), std::move(segments[i]));
    }
  }
  if (IsWildcard(parts)) {
    // The segments' own vector, its fixed part dropped: no second allocation.
    segments.erase(segments.begin(), segments.begin() + static_cast<long>(fixed));
    params.rest = std::move(segments);
  }
  return params;
}

}  // namespace

std::unique_ptr<Exchange> Router::Open(const HttpRequest& head) const {
  auto segments = SplitPath(head.path());
  if (!segments) return AnswerExchange(ErrorResponse(segments.error()));
  std::string allow;
  for (const Route& route : routes_) {
    if (!Matches(route.parts, *segments)) continue;
    if (route.method == head.method) {
      return std::make_unique<Routed>(route, TakeParams(route.parts, std::move(*segments)));
    }
    if (allow.find(route.method) == std::string::npos) {
      if (!allow.empty()) allow += ", ";
      allow += route.method;
    }
  }
  if (allow.empty()) return AnswerExchange(ErrorResponse(404, "not_found", "no such route"));
  HttpResponse refusal = ErrorResponse(405, "method_not_allowed", "allowed: " + allow);
  refusal.headers.Set("Allow", allow);
  return AnswerExchange(std::move(refusal));
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  return Open(request)->Handle(request);
}

Handler RouterHandler(std::shared_ptr<const Router> router) {
  return Handler{
      [router = std::move(router)](const HttpRequest& head) { return router->Open(head); }};
}

}  // namespace noisett::http
