// GET|HEAD /blobs/{container}/{path...}: serving a blob to whoever holds a valid signed link (no
// token). Link checking is storage::LocalLinkSigner::Verify's (signature in constant time, expiry,
// permission, container and path); this file owns the HTTP side: the order of checks, caching
// headers, conditional requests and byte ranges.
//
// Refusals: 400 for a path that is not a valid blob name (storage::ValidateBlobName runs before
// the store is touched), 403 for any link problem, 404 for a blob (or container) that is not there,
// 409 for an archived blob, 416 for an unsatisfiable range, 503 when the store is down.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "http/http_types.h"
#include "http/router.h"
#include "storage/blob_store.h"
#include "storage/link_signer.h"

namespace noisett::http {

struct BlobHandlerDeps {
  storage::LocalLinkSigner& links;
  storage::BlobStore& blobs;
  std::string container;
  const Clock& clock;
};

// The route handler for "/blobs/*" (GET and HEAD).
HttpResponse ServeBlob(const BlobHandlerDeps& deps, const HttpRequest& request,
                       const RouteParams& params);

// A Range header judged against a blob of `size` bytes (RFC 9110 section 14). Only one
// "bytes=" range is honoured: several ranges, another unit or bad syntax mean kIgnore (the whole
// blob, status 200, which the RFC allows).
struct RangeDecision {
  enum class Kind { kIgnore, kSatisfiable, kUnsatisfiable };
  Kind kind = Kind::kIgnore;
  uint64_t offset = 0;
  uint64_t length = 0;
};
RangeDecision DecideRange(std::string_view range_header, uint64_t size);

// True when an If-None-Match value ("*", or a list of entity tags, weak or strong) matches `etag`
// under the weak comparison RFC 9110 prescribes for If-None-Match.
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace noisett::http
