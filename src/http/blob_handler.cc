// Blob serving.
#include "http/blob_handler.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "core/http_date.h"
#include "core/text.h"
#include "http/request_metrics.h"

namespace noisett::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Decimal digits to uint64; saturates instead of overflowing; nullopt for empty or non-digits.
std::optional<uint64_t> ParseDigits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      v = std::numeric_limits<uint64_t>::max();
    } else {
      v = v * 10 + d;
    }
  }
  return v;
}

std::string_view WithoutWeak(std::string_view tag) {
  tag = Trim(tag);
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  return tag;
}

// The headers every successful or 304 answer carries, added to an answer that has none yet.
void AddCacheHeaders(HttpResponse* res, const storage::BlobProperties& props, int64_t expires_at,
                     int64_t now) {
  res->headers.Reserve(8);  // these, Content-Type, and Content-Range or Content-Length
  res->headers.Add("ETag", props.etag);
  res->headers.Add("Last-Modified", FormatHttpDate(props.last_modified));
  res->headers.Add("Cache-Control", storage::CacheControlFor(expires_at, now));
  res->headers.Add("Accept-Ranges", "bytes");
  res->headers.Add("X-Content-Type-Options", "nosniff");
}

void SetContentType(HttpResponse* res, const storage::BlobProperties& props) {
  res->headers.Add("Content-Type",
                   props.content_type.empty() ? "application/octet-stream" : props.content_type);
}

// The body as the store handed it over: an open file (the server sends it with sendfile) or,
// from a store without local files, the bytes.
void TakeBody(HttpResponse* res, storage::BlobData& data) {
  if (data.file) {
    res->file = std::move(data.file);
  } else {
    res->body = std::move(data.bytes);
  }
}

struct Target {
  std::string container;
  std::string path;
};

Result<Target> TargetOf(const RouteParams& params) {
  if (params.rest.size() < 2) {
    return Unexpected(MakeError(ErrorCode::kNotFound, "not_found", "no blob named"));
  }
  Target t{params.rest.front(), {}};
  size_t length = 0;
  for (size_t i = 1; i < params.rest.size(); ++i) length += params.rest[i].size() + 1;
  t.path.reserve(length);
  for (size_t i = 1; i < params.rest.size(); ++i) {
    if (i > 1) t.path += '/';
    t.path += params.rest[i];
  }
  if (auto ok = storage::ValidateBlobName(t.path); !ok) {
    return Unexpected(MakeError(ErrorCode::kInvalidArgument, "bad_path", ok.error().message));
  }
  return t;
}

// Verifies the link; returns its expiry.
Result<int64_t> CheckLink(const BlobHandlerDeps& deps, const HttpRequest& request,
                          const Target& target, int64_t now) {
  return deps.links.VerifyQuery(target.container, target.path, request.raw_query(), now);
}

bool IsPlainGet(const HttpRequest& request) {
  return request.method == "GET" && !request.headers.Get("Range");
}

// A whole GET reads the blob and its properties together (one lookup): the common case.
HttpResponse WholeBody(const BlobHandlerDeps& deps, const HttpRequest& request,
                       const Target& target, int64_t expires_at, int64_t now) {
  auto data = deps.blobs.Get(target.path, std::nullopt, storage::ReadAs::kFile);
  if (!data) return ErrorResponse(data.error());
  const storage::BlobProperties& props = data->properties;
  HttpResponse res;
  AddCacheHeaders(&res, props, expires_at, now);
  if (auto inm = request.headers.Get("If-None-Match"); inm && IfNoneMatchMatches(*inm, props.etag)) {
    res.status = 304;
    return res;
  }
  res.status = 200;
  SetContentType(&res, props);
  TakeBody(&res, *data);
  return res;
}

HttpResponse Body(const BlobHandlerDeps& deps, const HttpRequest& request, const Target& target,
                  const storage::BlobProperties& props, int64_t expires_at, int64_t now) {
  HttpResponse res;
  AddCacheHeaders(&res, props, expires_at, now);
  SetContentType(&res, props);
  RangeDecision range;
  auto range_header = request.headers.Get("Range");
  auto if_range = request.headers.Get("If-Range");
  // If-Range with a different (or weak) validator: the blob changed, send it whole.
  if (range_header && (!if_range || Trim(*if_range) == props.etag)) {
    range = DecideRange(*range_header, props.size);
  }
  if (range.kind == RangeDecision::Kind::kUnsatisfiable) {
    HttpResponse bad = ErrorResponse(416, "InvalidRange", "the range is not satisfiable");
    bad.headers.Set("Content-Range", "bytes */" + std::to_string(props.size));
    return bad;
  }
  bool partial = range.kind == RangeDecision::Kind::kSatisfiable;
  uint64_t length = partial ? range.length : props.size;
  res.status = partial ? 206 : 200;
  if (partial) {
    res.headers.Set("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                         std::to_string(range.offset + range.length - 1) + "/" +
                                         std::to_string(props.size));
  }
  if (request.method == "HEAD") {
    res.headers.Set("Content-Length", std::to_string(length));
    return res;
  }
  std::optional<storage::ByteRange> byte_range;
  if (partial) byte_range = storage::ByteRange{range.offset, range.length};
  auto data = deps.blobs.Get(target.path, byte_range, storage::ReadAs::kFile);
  if (!data) return ErrorResponse(data.error());
  if (data->properties.etag != props.etag) {
    // Overwritten between the two reads: the headers would not describe these bytes.
    return ErrorResponse(503, "BlobChanged", "the blob changed while being read; retry");
  }
  TakeBody(&res, *data);
  return res;
}

// Blob bytes sent through a link are the egress a CDN or Azure bills: the server counts the
// body of a 200 or 206 once it is written (HEAD and 304 carry none).
HttpResponse AsEgress(const Target& target, HttpResponse res) {
  if (res.status == 200 || res.status == 206) {
    res.egress_kind = std::string(EgressKindOf(target.path));
  }
  return res;
}

}  // namespace

HttpResponse ServeBlob(const BlobHandlerDeps& deps, const HttpRequest& request,
                       const RouteParams& params) {
  auto target = TargetOf(params);
  if (!target) return ErrorResponse(target.error());
  const int64_t now = deps.clock.NowSeconds();
  auto expires_at = CheckLink(deps, request, *target, now);
  // Link refusals name the failed check (never a secret) but do not echo the query.
  if (!expires_at) return ErrorResponse(expires_at.error());
  if (target->container != deps.container) {
    return ErrorResponse(404, "ContainerNotFound", "no such container");
  }
  if (IsPlainGet(request)) {
    return AsEgress(*target, WholeBody(deps, request, *target, *expires_at, now));
  }
  auto props = deps.blobs.GetProperties(target->path);
  if (!props) return ErrorResponse(props.error());
  if (auto inm = request.headers.Get("If-None-Match");
      inm && IfNoneMatchMatches(*inm, props->etag)) {
    HttpResponse res;
    res.status = 304;
    AddCacheHeaders(&res, *props, *expires_at, now);
    return res;
  }
  return AsEgress(*target, Body(deps, request, *target, *props, *expires_at, now));
}

RangeDecision DecideRange(std::string_view header, uint64_t size) {
  using Kind = RangeDecision::Kind;
  header = Trim(header);
  if (!StartsWithIgnoreCase(header, "bytes=")) return {};
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return {};  // several ranges: send it whole
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  std::string_view first = Trim(spec.substr(0, dash));
  std::string_view last = Trim(spec.substr(dash + 1));
  if (first.empty()) {  // suffix: the last N bytes
    auto n = ParseDigits(last);
    if (!n) return {};
    if (*n == 0 || size == 0) return {Kind::kUnsatisfiable};
    uint64_t len = std::min(*n, size);
    return {Kind::kSatisfiable, size - len, len};
  }
  auto start = ParseDigits(first);
  if (!start) return {};
  std::optional<uint64_t> end;
  if (!last.empty()) {
    end = ParseDigits(last);
    if (!end || *end < *start) return {};  // invalid syntax: ignored, per RFC 9110
  }
  if (*start >= size) return {Kind::kUnsatisfiable};
  uint64_t stop = end ? std::min(*end, size - 1) : size - 1;
  return {Kind::kSatisfiable, *start, stop - *start + 1};
}

bool IfNoneMatchMatches(std::string_view value, std::string_view etag) {
  value = Trim(value);
  if (value == "*") return true;
  std::string_view want = WithoutWeak(etag);
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (WithoutWeak(value.substr(0, comma)) == want) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace noisett::http
