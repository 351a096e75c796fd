// Request/response values, path and query decoding, error mapping.
#include "http/http_types.h"

#include <algorithm>

#include "core/percent_encoding.h"

namespace noisett::http {
namespace {

bool IsSafeSegment(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == "..") return false;
  return std::none_of(segment.begin(), segment.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return c == '/' || c == '\\' || u < 0x20 || u == 0x7f;
  });
}

Error BadPath(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_path", std::move(message));
}

Error BadQuery(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_query", std::move(message));
}

}  // namespace

ResponseStream::~ResponseStream() = default;

void Headers::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string_view name, std::string value) {
  Remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return EqualsIgnoreCase(f.first, name); });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

size_t Headers::Count(std::string_view name) const {
  return static_cast<size_t>(std::count_if(fields_.begin(), fields_.end(), [&](const auto& f) {
    return EqualsIgnoreCase(f.first, name);
  }));
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  return t.substr(0, std::min(t.find('?'), t.find('#')));
}

void HttpRequest::ClearHead() {
  method.clear();
  target.clear();
  headers.Clear();
  remote.clear();
  request_id.clear();
}

std::string_view HttpRequest::raw_query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = t.substr(q + 1);
  return query.substr(0, query.find('#'));
}

Result<std::vector<std::string>> SplitPath(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return Unexpected(BadPath("the path must start with '/'"));
  std::vector<std::string> segments;
  if (path == "/") return segments;
  segments.reserve(static_cast<size_t>(std::count(path.begin(), path.end(), '/')));
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view raw = rest.substr(0, slash);
    auto decoded = PercentDecode(raw, PlusMeans::kPlus);
    if (!decoded) return Unexpected(BadPath("bad percent-encoding in the path"));
    if (!IsSafeSegment(*decoded)) {
      return Unexpected(
          BadPath("path segments must not be empty, '.', '..' or contain '/', '\\' "
                  "or control characters"));
    }
    segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return segments;
}

Result<std::map<std::string, std::string>> ParseQuery(std::string_view raw_query) {
  std::map<std::string, std::string> out;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view piece = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto name = PercentDecode(piece.substr(0, eq), PlusMeans::kSpace);
    auto value =
        PercentDecode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1),
                      PlusMeans::kSpace);
    if (!name || !value) return Unexpected(BadQuery("bad percent-encoding in the query"));
    if (name->empty()) return Unexpected(BadQuery("empty query parameter name"));
    if (name->find('\0') != std::string::npos || value->find('\0') != std::string::npos) {
      return Unexpected(BadQuery("NUL byte in the query"));
    }
    if (out.count(*name) != 0) {
      return Unexpected(BadQuery("query parameter '" + name->substr(0, 64) + "' repeated"));
    }
    out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnsupported:
      return 415;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInsufficientStorage:
      return 507;
    case ErrorCode::kUpstreamFailed:
      return 502;
    case ErrorCode::kUpstreamTimeout:
      return 504;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

HttpResponse JsonResponse(int status, const nlohmann::json& value) {
  // Replace rather than throw: messages may quote client bytes that are not UTF-8.
  return JsonResponse(status, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse JsonResponse(int status, std::string json_text) {
  HttpResponse res;
  res.status = status;
  res.headers.Set("Content-Type", "application/json");
  res.body = std::move(json_text);
  return res;
}

HttpResponse ErrorResponse(int status, std::string_view reason, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", reason}, {"message", message}}}};
  HttpResponse res = JsonResponse(status, body);
  res.error_reason = std::string(reason);
  // A 503 is a backend that is down or busy: tell clients when to come back, so they neither
  // hammer it nor give up (RFC 9110 §10.2.3).
  if (status == 503) res.headers.Set("Retry-After", std::to_string(kRetryAfterSeconds));
  return res;
}

HttpResponse ErrorResponse(const Error& error) {
  HttpResponse res = ErrorResponse(HttpStatusFor(error.code), error.reason, error.message);
  // A quota or a full queue says when it frees up (RFC 6585 §4, RFC 9110 §10.2.3).
  if (error.retry_after_s > 0) res.headers.Set("Retry-After", std::to_string(error.retry_after_s));
  return res;
}

}  // namespace noisett::http
