// The HTTP request and response as the rest of src/http sees them: plain values with no Beast in
// sight, so the router, the API and the blob handler compile in seconds and test without sockets.
// Also the one place where an Error becomes an HTTP status and a JSON error body. Parsing of the
// wire format belongs to server.cc; which route a request takes belongs to router.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/file_span.h"
#include "core/result.h"
#include "core/text.h"
#include "http/response_stream.h"

namespace noisett::http {

// Header fields in arrival order; names compare case-insensitively (RFC 9110).
class Headers final {
 public:
  void Add(std::string name, std::string value);
  // Room for `n` fields, when the caller knows how many it will add.
  void Reserve(size_t n) { fields_.reserve(n); }
  // Replaces every field named `name` with one field.
  void Set(std::string_view name, std::string value);
  void Remove(std::string_view name);
  void Clear() { fields_.clear(); }
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  size_t Count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// ASCII case-insensitive equality (core/text.h), named here too for the http code that uses it.
using noisett::EqualsIgnoreCase;

struct HttpRequest {
  std::string method;  // as sent: "GET", "POST", ...
  std::string target;  // raw request-target: "/api/history?limit=5"
  Headers headers;
  std::string body;
  std::string remote;      // peer "ip:port", for logs
  std::string request_id;  // made by the server, echoed as X-Request-Id

  // The target up to '?' (still percent-encoded), and what follows it (without any '#...').
  std::string_view path() const;
  std::string_view raw_query() const;

  // Empties every field but `body`, keeping their buffers for the next request on the connection.
  void ClearHead();
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
  // The body as an open file's bytes, instead of `body` (which is then empty): the server sends
  // them with sendfile(2), never through user space. For a HEAD or a bodiless status it is
  // dropped, as `body` is.
  std::optional<FileSpan> file;
  // Set only by Exchange::Handle: the body comes from this stream, after `body` (written first
  // when not empty); see handler.h. A HEAD request, a 1xx/204/304 status or a refusal from
  // AdmitBody never streams: the server cancels the stream and answers without it.
  std::shared_ptr<ResponseStream> stream;
  // Ask the server to close the connection after this response.
  bool close = false;
  // For the access log only: the route pattern ("/api/history/{job}"), the user served and the
  // error reason, so the log says what happened without logging anything secret.
  std::string route;
  std::string user;
  std::string error_reason;
  // For the egress counter: the blob route names the kind ("image", "thumbnail", "other") of a
  // body served through a signed link; the server counts the bytes once they are written.
  std::string egress_kind;
};

// The decoded segments of a path. "/api/history/01J" -> {"api","history","01J"}. Each segment is
// percent-decoded on its own, so an encoded '/' cannot create a new segment. Refused
// (kInvalidArgument "bad_path"): a path not starting with '/', a bad %-escape, an empty segment
// (except "/" itself), and any segment that decodes to "." or "..", or contains '/', '\', NUL or
// another control byte.
Result<std::vector<std::string>> SplitPath(std::string_view path);

// Query parameters with form semantics ('+' is a space, %XX decoded). Refused (kInvalidArgument
// "bad_query"): bad %-escapes, empty names, repeated names, NUL bytes.
Result<std::map<std::string, std::string>> ParseQuery(std::string_view raw_query);

// The status for each ErrorCode: 400, 401, 403, 404, 409, 413, 415, 503, 507, 500.
int HttpStatusFor(ErrorCode code);
std::string_view ReasonPhrase(int status);

// `value` serialized (invalid UTF-8 replaced, never throwing) with Content-Type application/json.
HttpResponse JsonResponse(int status, const nlohmann::json& value);
// `json_text`, already JSON, with Content-Type application/json.
HttpResponse JsonResponse(int status, std::string json_text);
// The Retry-After every 503 carries: long enough for a restarted PostgreSQL or a reconnect to
// Azure, short enough that a client retries before a user gives up (docs/api.md).
inline constexpr int kRetryAfterSeconds = 5;

// {"error":{"code": reason, "message": message}} with the given status; a 503 also gets
// Retry-After: kRetryAfterSeconds.
HttpResponse ErrorResponse(int status, std::string_view reason, std::string_view message);
// As above with the status HttpStatusFor(error.code).
HttpResponse ErrorResponse(const Error& error);

}  // namespace noisett::http
