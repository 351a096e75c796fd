// The status line and header block of a response, written by hand rather than through Beast's
// serializer: for a small signed-blob GET, Beast's field container and buffer sequences cost more
// than the file read (bench/serve.sh). No Beast here, so it is unit-tested without sockets.
#pragma once

#include <string>
#include <string_view>

#include "http/http_types.h"

namespace noisett::http {

struct HeadOptions {
  int version = 11;               // 10 or 11, echoing the request
  bool keep_alive = true;         // false: the connection closes after this response
  bool head_request = false;      // HEAD: headers as for GET, no body
  std::string_view request_id;    // echoed as X-Request-Id when not empty
  // The body follows over time (HttpResponse::stream): no Content-Length; HTTP/1.1 says
  // Transfer-Encoding: chunked, HTTP/1.0 ends the body by closing (so keep_alive must be false).
  bool streamed = false;
};

// "HTTP/1.1 200 OK\r\n" ... "\r\n". Headers come from `res` in order, except the ones the
// transport owns (Content-Length, Transfer-Encoding, Connection, X-Request-Id,
// X-Content-Type-Options), which are
// written once here; a field whose name or value holds CR, LF or NUL is dropped (no response
// splitting). Content-Length: none for 1xx/204/304; for HEAD the handler's value if it gave one
// (the size a GET would send), else BodySize.
std::string ResponseHead(const HttpResponse& res, const HeadOptions& options);

// The size of the response's body: its file's span when it has one, else `body`'s.
uint64_t BodySize(const HttpResponse& res);

// Whether a response with this status carries no body (1xx, 204, 304).
bool NoBodyStatus(int status);

// A piece of a streamed body as it goes on the wire: a chunk ("1a\r\n" piece "\r\n") when
// `chunked`, else the piece itself. An empty piece is nothing (an empty chunk would end the body).
std::string BodyPiece(std::string_view piece, bool chunked);

// The end of a chunked body: the last chunk, no trailers.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace noisett::http
