// multipart/form-data (RFC 7578) as the upload route accepts it: exactly one file part (a part
// whose Content-Disposition has a filename) plus optional small text fields. Parsing only; what
// the file and fields mean is api.cc's. Every refusal is kInvalidArgument "bad_multipart" (400),
// except a file part whose Content-Type is neither image/* nor application/octet-stream:
// kUnsupported "unsupported_media_type" (415).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett::http {

struct MultipartLimits {
  size_t max_parts = 16;
  size_t max_part_header_bytes = 8 * 1024;
  size_t max_field_bytes = 8 * 1024;  // a text field (prompt ...)
};

struct MultipartForm {
  std::string_view file;                      // a view into the body passed to ParseMultipart
  std::string file_name;                      // as sent; informational only, never a path
  std::string file_content_type;              // "" when the part has none
  std::map<std::string, std::string> fields;  // text parts by name
};

// The boundary parameter of a multipart/form-data Content-Type (quoted or not, 1..70 chars).
// Errors: "bad_multipart" when the type is not multipart/form-data or has no valid boundary.
Result<std::string> MultipartBoundary(std::string_view content_type);

// Parses `body` (which must outlive the result). Refused: no closing delimiter (truncated), no
// file part, two file parts, a repeated or nameless field, more parts or bigger headers/fields
// than `limits`.
Result<MultipartForm> ParseMultipart(std::string_view body, std::string_view boundary,
                                     const MultipartLimits& limits = {});

}  // namespace noisett::http
