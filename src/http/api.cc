// The API routes: each handler is parse, call, map (the userver hello handler shape).
#include "http/api.h"

#include <functional>
#include <map>
#include <optional>

#include "auth/refusal.h"
#include "http/blob_handler.h"
#include "http/job_event_stream.h"
#include "http/metrics_endpoint.h"
#include "http/web_routes.h"
#include "http/multipart.h"

namespace noisett::http {
namespace {

using Json = nlohmann::json;
using ArgTypes = std::map<std::string, ArgType, std::less<>>;

// What a command gets: JSON args and, for uploads, the raw file bytes (a view into the request).
struct Input {
  Json args = Json::object();
  std::string_view body;
};
using InputMaker = std::function<Result<Input>()>;

const ArgTypes kUploadArgs = {{"seed", ArgType::kInt}};
const ArgTypes kListArgs = {{"limit", ArgType::kInt}};
const ArgTypes kImageListArgs = {{"limit", ArgType::kInt}, {"include_thumbnails", ArgType::kBool}};
const ArgTypes kUrlArgs = {{"expiry_hours", ArgType::kInt}, {"thumbnail", ArgType::kBool}};

Error BadInput(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_input", std::move(message));
}

// Adds name=value pairs to args, typed by `types`; a name already present (a path parameter) is
// refused so the query cannot override what the path says.
Status AddArgs(const std::map<std::string, std::string>& pairs, const ArgTypes& types, Json* args) {
  for (const auto& [name, value] : pairs) {
    if (args->contains(name)) return Unexpected(BadInput("'" + name + "' given twice"));
    auto it = types.find(name);
    auto converted = ConvertArg(name, value, it == types.end() ? ArgType::kString : it->second);
    if (!converted) return Unexpected(converted.error());
    (*args)[name] = std::move(*converted);
  }
  return Ok();
}

Result<Json> QueryArgs(const HttpRequest& request, const ArgTypes& types,
                       Json args = Json::object()) {
  auto query = ParseQuery(request.raw_query());
  if (!query) return Unexpected(BadInput(query.error().message));
  if (auto ok = AddArgs(*query, types, &args); !ok) return Unexpected(ok.error());
  return args;
}

// An image upload's bytes: a raw image/* (or octet-stream) body, or one file in a multipart form
// whose text fields join the args.
Result<Input> UploadInput(const HttpRequest& request) {
  auto args = QueryArgs(request, kUploadArgs);
  if (!args) return Unexpected(args.error());
  std::string_view type = request.headers.Get("Content-Type").value_or("");
  std::string_view media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media.size() > 6 && EqualsIgnoreCase(media.substr(0, 6), "image/")) {
    return Input{std::move(*args), request.body};
  }
  if (EqualsIgnoreCase(media, "application/octet-stream"))
    return Input{std::move(*args), request.body};
  if (EqualsIgnoreCase(media, "multipart/form-data")) {
    auto boundary = MultipartBoundary(type);
    if (!boundary) return Unexpected(boundary.error());
    auto form = ParseMultipart(request.body, *boundary);
    if (!form) return Unexpected(form.error());
    if (auto ok = AddArgs(form->fields, kUploadArgs, &*args); !ok) return Unexpected(ok.error());
    return Input{std::move(*args), form->file};
  }
  return Unexpected(MakeError(ErrorCode::kUnsupported, "unsupported_media_type",
                              "upload an image (Content-Type image/*) or multipart/form-data"));
}

Result<int64_t> PathInt(std::string_view name, const std::string& text) {
  auto value = ConvertArg(name, text, ArgType::kInt);
  if (!value) return Unexpected(value.error());
  return value->get<int64_t>();
}

// The body as the command's JSON args (an empty body: no args).
InputMaker JsonBody(const HttpRequest& request) {
  return [&request]() -> Result<Input> {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return Input{};
    Json args = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (args.is_discarded()) return Unexpected(BadInput("the body must be JSON args"));
    return Input{std::move(args), {}};
  };
}

// True for a generation job's answer whose status is queued or running (generate's 202).
bool IsUnfinishedJob(const std::string& body) {
  Json job = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!job.is_object() || !job.contains("links")) return false;
  const Json& status = job["status"];
  return status == "queued" || status == "running";
}

// A 401 (and the admin 403) carries the identity module's RFC 6750 challenge.
HttpResponse Failure(const Error& error) {
  HttpResponse res = ErrorResponse(error);
  if (error.code == ErrorCode::kUnauthenticated || error.reason == auth::reason::kNotAdmin) {
    res.headers.Set("WWW-Authenticate", auth::BearerChallenge(error));
  }
  return res;
}

class Api final {
 public:
  explicit Api(const ApiDeps& deps) : deps_(deps) {
    if (deps.local_links) {
      blob_deps_.emplace(BlobHandlerDeps{*deps.local_links, deps.blobs, deps.container, deps.clock});
    }
  }
  bool serves_blobs() const { return blob_deps_.has_value(); }

  // The request's caller, from its bearer token (or X-Auth-Optional); once per request (ApiCall).
  Result<auth::User> Authenticate(const HttpRequest& request) const {
    if (request.headers.Count("Authorization") > 1) {
      return Unexpected(auth::Refusal(auth::reason::kMalformed, "more than one Authorization"));
    }
    auth::Credentials credentials{request.headers.Get("Authorization"),
                                  request.headers.Get("X-Auth-Optional")};
    return deps_.auth.Authenticate(credentials);
  }

  // Builds the input, runs `command` for `user`, answers `ok_status` with its JSON.
  HttpResponse Call(const auth::User& user, std::string_view command, const InputMaker& make,
                    int ok_status = 200) const {
    HttpResponse res = Run(user, command, make, ok_status);
    res.user = user.user_id;
    // Answers carry fresh signed links and personal data: no shared cache may keep them.
    res.headers.Set("Cache-Control", "no-store");
    return res;
  }

  HttpResponse Commands(const auth::User& user, const HttpRequest& request,
                        const std::string& name) const {
    const service::CommandSpec* spec = deps_.service.registry().Find(name);
    if (spec != nullptr && spec->takes_body) {
      return Call(
          user, name, [&] { return UploadInput(request); }, 201);
    }
    return Call(user, name, JsonBody(request));
  }

  HttpResponse Ready() const {
    auto ok = deps_.service.CheckReady();
    if (ok) return JsonResponse(200, Json{{"status", "ready"}});
    // Whatever the cause, a backend that does not answer makes this instance not ready.
    return ErrorResponse(503, ok.error().reason, ok.error().message);
  }

  // The same text as the plain metrics listener, but only for an admin: counts of other
  // people's activity are not every user's business.
  HttpResponse Metrics(const auth::User& user) const {
    if (auto admin = auth::RequireAdmin(user); !admin) return Failure(admin.error());
    HttpResponse res = MetricsResponse(*deps_.metrics);
    res.user = user.user_id;
    return res;
  }

  // A job's events, streamed (job_event_stream.h): a missing or another user's job is the usual
  // 404, decided before the stream starts.
  HttpResponse Events(const auth::User& user, const HttpRequest& request,
                      const std::string& job_id) const {
    const service::JobsDeps& jobs = deps_.service.jobs();
    auto job = service::GetJobView(jobs, user, job_id);
    if (!job) return Failure(job.error());
    HttpResponse res;
    res.headers.Set("Content-Type", "text/event-stream");
    res.headers.Set("Cache-Control", "no-store");
    res.headers.Set("X-Accel-Buffering", "no");  // a proxy must pass each event on at once
    res.stream = MakeJobEventStream(jobs, user, std::move(*job),
                                    request.headers.Get("Last-Event-ID").value_or(""));
    res.user = user.user_id;
    return res;
  }

  HttpResponse Blob(const HttpRequest& request, const RouteParams& params) const {
    return ServeBlob(*blob_deps_, request, params);
  }

 private:
  HttpResponse Run(const auth::User& user, std::string_view command, const InputMaker& make,
                   int ok_status) const {
    auto input = make();
    if (!input) return Failure(input.error());
    auto out = deps_.service.Run(command, user,
                                 service::CommandInput{std::move(input->args), input->body});
    if (!out) return Failure(out.error());
    return JsonResponse(ok_status, std::move(*out));
  }

  ApiDeps deps_;
  std::optional<BlobHandlerDeps> blob_deps_;  // only with local links
};

// What an API route does for the caller its request was authenticated as.
using ApiAction = std::function<HttpResponse(const Api&, const auth::User&, const HttpRequest&,
                                             const RouteParams&)>;

// One API request, authenticated once: by AdmitBody, from the head, when its body is large (so a
// client without a valid token cannot hold the server's body budget), else by Handle. Either way
// the action gets that caller; the token is not checked again after the body is read.
class ApiCall final : public RouteCall {
 public:
  ApiCall(const Api& api, const ApiAction& action) : api_(api), action_(action) {}

  std::optional<HttpResponse> AdmitBody(const HttpRequest& head) override {
    auto user = api_.Authenticate(head);
    if (!user) return Failure(user.error());
    caller_ = std::move(*user);
    return std::nullopt;
  }

  HttpResponse Handle(const HttpRequest& request, const RouteParams& params) override {
    if (!caller_) {
      auto user = api_.Authenticate(request);
      if (!user) return Failure(user.error());
      caller_ = std::move(*user);
    }
    return action_(api_, *caller_, request, params);
  }

 private:
  const Api& api_;
  const ApiAction& action_;  // the route's, which outlives its requests
  std::optional<auth::User> caller_;
};

// The route's opener: an ApiCall of `action` per request.
RouteOpener Calls(std::shared_ptr<const Api> api, ApiAction action) {
  return [api = std::move(api), action = std::move(action)] {
    return std::make_unique<ApiCall>(*api, action);
  };
}

// Path parameters become args; the query adds the rest.
InputMaker JobArgs(const HttpRequest& request, const RouteParams& params) {
  return [&request, &params]() -> Result<Input> {
    auto args = QueryArgs(request, {}, Json{{"job_id", params.Get("job")}});
    if (!args) return Unexpected(args.error());
    return Input{std::move(*args), {}};
  };
}

InputMaker JobIndexArgs(const HttpRequest& request, const RouteParams& params,
                        const ArgTypes& types) {
  return [&request, &params, types]() -> Result<Input> {
    auto index = PathInt("image_index", params.Get("index"));
    if (!index) return Unexpected(index.error());
    auto args =
        QueryArgs(request, types, Json{{"job_id", params.Get("job")}, {"image_index", *index}});
    if (!args) return Unexpected(args.error());
    return Input{std::move(*args), {}};
  };
}

InputMaker QueryOnly(const HttpRequest& request, const ArgTypes& types) {
  return [&request, types]() -> Result<Input> {
    auto args = QueryArgs(request, types);
    if (!args) return Unexpected(args.error());
    return Input{std::move(*args), {}};
  };
}

void AddApiRoutes(Router& r, const std::shared_ptr<const Api>& api) {
  using A = const Api&;
  using U = const auth::User&;
  using R = const HttpRequest&;
  using P = const RouteParams&;
  // Catalog reads run on the read pool: a gallery page must not queue behind uploads.
  auto add = [&r, &api](const char* method, std::string_view pattern, ApiAction action) {
    r.Add(method, pattern, Calls(api, std::move(action)),
          std::string_view(method) == "GET" ? Lane::kReads : Lane::kWorkers);
  };
  add("POST", "/api/images", [](A a, U u, R q, P) {
    return a.Call(
        u, "images.upload", [&] { return UploadInput(q); }, 201);
  });
  add("POST", "/api/generate", [](A a, U u, R q, P) {
    HttpResponse res = a.Call(u, "generate", JsonBody(q), 201);
    if (res.status == 201 && IsUnfinishedJob(res.body)) {
      // Queued (or still running at the wait limit): accepted, the job's own links follow it.
      res.status = 202;
      auto self = Json::parse(res.body)["links"]["self"].get<std::string>();
      res.headers.Set("Location", self);
    }
    return res;
  });
  add("GET", "/api/jobs/{job}",
      [](A a, U u, R q, P p) { return a.Call(u, "jobs.get", JobArgs(q, p)); });
  add("GET", "/api/jobs/{job}/events",
      [](A a, U u, R q, P p) { return a.Events(u, q, p.Get("job")); });
  add("POST", "/api/jobs/{job}/cancel",
      [](A a, U u, R q, P p) { return a.Call(u, "jobs.cancel", JobArgs(q, p)); });
  add("POST", "/api/images/import",
      [](A a, U u, R q, P) { return a.Call(u, "images.import", JsonBody(q), 201); });
  add("GET", "/api/images",
      [](A a, U u, R q, P) { return a.Call(u, "images.list", QueryOnly(q, kImageListArgs)); });
  add("GET", "/api/images/{job}/{index}/url",
      [](A a, U u, R q, P p) { return a.Call(u, "images.url", JobIndexArgs(q, p, kUrlArgs)); });
  add("GET", "/api/history",
      [](A a, U u, R q, P) { return a.Call(u, "history.list", QueryOnly(q, kListArgs)); });
  add("GET", "/api/history/{job}",
      [](A a, U u, R q, P p) { return a.Call(u, "history.get", JobArgs(q, p)); });
  add("DELETE", "/api/history/{job}",
      [](A a, U u, R q, P p) { return a.Call(u, "history.delete", JobArgs(q, p)); });
  add("POST", "/api/history/{job}/restore",
      [](A a, U u, R q, P p) { return a.Call(u, "history.restore", JobArgs(q, p)); });
  add("PUT", "/api/favorites/{job}/{index}",
      [](A a, U u, R q, P p) { return a.Call(u, "history.favorite", JobIndexArgs(q, p, {})); });
  add("DELETE", "/api/favorites/{job}/{index}",
      [](A a, U u, R q, P p) { return a.Call(u, "history.unfavorite", JobIndexArgs(q, p, {})); });
  add("GET", "/api/favorites",
      [](A a, U u, R q, P) { return a.Call(u, "favorites.list", QueryOnly(q, kListArgs)); });
  add("GET", "/api/me/storage",
      [](A a, U u, R q, P) { return a.Call(u, "storage.metrics", QueryOnly(q, {})); });
  add("POST", "/api/commands/{name}",
      [](A a, U u, R q, P p) { return a.Commands(u, q, p.Get("name")); });
}

}  // namespace

Result<nlohmann::json> ConvertArg(std::string_view name, std::string_view value, ArgType type) {
  std::string field(name.substr(0, 64));
  if (type == ArgType::kString) return nlohmann::json(std::string(value));
  if (type == ArgType::kBool) {
    if (value == "true" || value == "1") return nlohmann::json(true);
    if (value == "false" || value == "0") return nlohmann::json(false);
    return Unexpected(BadInput("'" + field + "' must be true or false"));
  }
  std::string_view digits = value.substr(!value.empty() && value.front() == '-' ? 1 : 0);
  if (digits.empty() || digits.size() > 18 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return Unexpected(BadInput("'" + field + "' must be an integer"));
  }
  return nlohmann::json(static_cast<int64_t>(std::stoll(std::string(value))));
}

std::shared_ptr<Router> MakeApiRouter(const ApiDeps& deps) {
  auto router = std::make_shared<Router>();
  auto api = std::make_shared<const Api>(deps);
  AddApiRoutes(*router, api);
  router->Add(
      "GET", "/healthz",
      [](const HttpRequest&, const RouteParams&) {
        return JsonResponse(200, nlohmann::json{{"status", "ok"}});
      },
      Lane::kIo);
  router->Add(
      "GET", "/readyz", [api](const HttpRequest&, const RouteParams&) { return api->Ready(); },
      Lane::kReads);
  router->Add("GET", "/metrics",
              Calls(api, [](const Api& a, const auth::User& u, const HttpRequest&,
                            const RouteParams&) { return a.Metrics(u); }),
              Lane::kWorkers);
  if (deps.web != nullptr) AddWebRoutes(*router, *deps.web, deps.clock);
  InitServerMetrics(*deps.metrics);
  // Blob reads run on the I/O thread: the local store answers from the page cache in a few
  // syscalls, and two thread hops per request cost more than that (bench/serve.sh). A store
  // whose reads wait on a network is never behind this route: its links point at the store.
  for (const char* method : {"GET", "HEAD"}) {
    if (!api->serves_blobs()) break;
    router->Add(
        method, "/blobs/*",
        [api](const HttpRequest& q, const RouteParams& p) { return api->Blob(q, p); }, Lane::kIo);
  }
  return router;
}

Handler MakeApiHandler(const ApiDeps& deps) { return RouterHandler(MakeApiRouter(deps)); }

}  // namespace noisett::http
