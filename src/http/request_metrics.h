// What the server records about each request it answered: the duration histogram
// noisett_http_request_duration_seconds{method, route, status_class} and the signed-link egress
// counter noisett_egress_bytes_total{kind} (core/metric_names.h). Labels stay bounded: the route
// is the router's pattern (never the raw path, which carries user and job ids), "other" for a
// request no route took; an unusual method is "other" too.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/metrics.h"

namespace noisett::http {

// "2xx" for 200..299, and so on; "other" outside 100..599.
std::string_view StatusClass(int status);

// One answered request: `route` "" when none matched.
void RecordRequest(std::string_view method, std::string_view route, int status, double seconds,
                   metrics::Registry& registry = metrics::Global());

// Body bytes written for a response whose handler set HttpResponse::egress_kind.
void RecordEgress(std::string_view kind, uint64_t bytes,
                  metrics::Registry& registry = metrics::Global());

// The egress kind of a blob: "thumbnail" (thumb_*), "image" (image_*), else "other".
std::string_view EgressKindOf(std::string_view blob_path);

}  // namespace noisett::http
