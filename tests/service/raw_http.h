// A raw-socket HTTP/1.1 client for the end-to-end suite: one request per connection (Connection:
// close), the request target sent byte for byte (libcurl would normalize "/a/../b" and reject
// some bytes; path tricks must reach the server exactly as written), and the response's headers
// as well as its body (net::HttpSend returns only the status and body).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace noisett::service_e2e {

struct RawResponse {
  int status = 0;  // 0: no response (connection failed, timed out or closed early)
  std::map<std::string, std::string> headers;  // names lower-cased; a repeated name keeps the last
  std::string body;

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_name) const;
  bool Has(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
};

struct RawRequest {
  std::string method = "GET";
  std::string target;  // "/api/history?limit=5", sent as is
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as is: with a Transfer-Encoding header, already chunk-encoded
  // When set, this Content-Length is sent instead of body.size() (for lying or huge lengths).
  // No Content-Length is sent when `headers` has a Transfer-Encoding.
  std::optional<uint64_t> content_length;
};

// Sends `request` to 127.0.0.1:`port` and reads one response to the end of the connection.
// For HEAD, `body` is whatever the server sent after the head (it should send nothing).
RawResponse Send(uint16_t port, const RawRequest& request, int timeout_ms = 30000);

// Sends only the request head (request line and headers, no body) and reads what the server
// answers before any body byte arrives. For "413 before the body is read".
RawResponse SendHeadOnly(uint16_t port, const RawRequest& request, int timeout_ms = 5000);

// "/blobs/...?..." from "http://host:port/blobs/...?...": the origin dropped, so a link can be
// fetched from the port the server really listens on.
std::string PathAndQuery(std::string_view url);

}  // namespace noisett::service_e2e
