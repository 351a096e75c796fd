// The routes of `noisett serve`: the JSON API (each route authenticates, turns path and query into
// a command's JSON args, runs the command through service::Service and maps the Result), health
// probes, and the signed-link blob route. Transport (limits, threads, keep-alive) is server.h's;
// what each command does is src/service's.
//
//   POST   /api/generate                        generate (JSON body): 202 and the queued job
//                                               (Location: its URL); "wait": true: 201 and
//                                               the stored job once it finished
//   GET    /api/jobs/{job}                      jobs.get
//   GET    /api/jobs/{job}/events               the job's progress, Server-Sent Events
//                                               (job_event_stream.h)
//   POST   /api/jobs/{job}/cancel               jobs.cancel
//   POST   /api/images                          images.upload (image body or multipart; 201)
//   POST   /api/images/import                   images.import (JSON body {url, ...}; 201)
//   GET    /api/images                          images.list      ?include_thumbnails&limit&cursor
//   GET    /api/images/{job}/{index}/url        images.url       ?thumbnail&expiry_hours
//   GET    /api/history                         history.list     ?limit&cursor
//   GET    /api/history/{job}                   history.get
//   DELETE /api/history/{job}                   history.delete
//   POST   /api/history/{job}/restore           history.restore
//   PUT    /api/favorites/{job}/{index}         history.favorite
//   DELETE /api/favorites/{job}/{index}         history.unfavorite
//   GET    /api/favorites                       favorites.list   ?limit&cursor
//   GET    /api/me/storage                      storage.metrics
//   POST   /api/commands/{name}                 any command: body = JSON args (images.upload:
//                                               body = image, args in the query)
//   GET    /healthz                             always 200 while the process serves
//   GET    /readyz                              200 when store and catalog answer, else 503
//   GET    /metrics                             Prometheus text format; admin token (401, 403)
//   GET    /api/config, POST /api/dev/token, GET / and web/'s files: web_routes.h
//   GET|HEAD /blobs/{container}/{path}          blob_handler.h (a signed link, no token); only
//                                               with local links (Azure links point at Azure)
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auth/authenticator.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "http/handler.h"
#include "http/router.h"
#include "http/web_routes.h"
#include "service/service.h"
#include "storage/blob_store.h"
#include "storage/link_signer.h"

namespace noisett::http {

struct ApiDeps {
  service::Service& service;
  auth::Authenticator& auth;
  storage::LocalLinkSigner* local_links;  // null: links are not served here (no /blobs route)
  storage::BlobStore& blobs;
  std::string container;
  const Clock& clock;
  metrics::Registry* metrics = &metrics::Global();  // what GET /metrics shows
  const WebConfig* web = nullptr;  // the gallery, /api/config and the dev sign-in; null: none
};

// The routes above. `deps` references must outlive the router.
std::shared_ptr<Router> MakeApiRouter(const ApiDeps& deps);

// The server's Handler over MakeApiRouter (RouterHandler). Lanes: the API's GETs and /readyz on
// the read pool; its other routes, /api/dev/token and /metrics on the workers; /healthz,
// /api/config, the gallery's files, /blobs and every refusal (400, 404, 405) on the I/O threads.
// An API request is authenticated once: from its head when its body is large, else when it is
// handled.
Handler MakeApiHandler(const ApiDeps& deps);

// How a query (or form) value becomes a JSON arg: "limit=5" -> 5. A kInt value must be a decimal
// integer, a kBool one of true/false/1/0; otherwise kInvalidArgument "bad_input" naming the field.
enum class ArgType { kString, kInt, kBool };
Result<nlohmann::json> ConvertArg(std::string_view name, std::string_view value, ArgType type);

}  // namespace noisett::http
