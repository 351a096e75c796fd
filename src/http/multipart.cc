// A strict multipart/form-data reader: it finds delimiters by exact search in the body it is given
// (no copies of the file), and refuses anything it would otherwise have to guess about.
#include "http/multipart.h"

#include <optional>

#include "core/text.h"
#include "http/http_types.h"

namespace noisett::http {
namespace {

Error Bad(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, "bad_multipart", std::move(message));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `type; a=1; b="x y"` -> the lower-cased type and the parameters (names lower-cased).
struct HeaderValue {
  std::string type;
  std::map<std::string, std::string> params;
};

std::optional<HeaderValue> ParseHeaderValue(std::string_view value) {
  HeaderValue out;
  size_t semi = value.find(';');
  out.type = AsciiLowercase(Trim(value.substr(0, semi)));
  std::string_view rest = semi == std::string_view::npos ? "" : value.substr(semi + 1);
  while (!Trim(rest).empty()) {
    rest = Trim(rest);
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string name = AsciiLowercase(Trim(rest.substr(0, eq)));
    rest = Trim(rest.substr(eq + 1));
    std::string param;
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        param.push_back(rest[i]);
      }
      if (i >= rest.size()) return std::nullopt;  // unterminated quote
      rest = rest.substr(i + 1);
    } else {
      size_t end = rest.find(';');
      param = std::string(Trim(rest.substr(0, end)));
      rest = end == std::string_view::npos ? "" : rest.substr(end);
    }
    rest = Trim(rest);
    if (!rest.empty()) {
      if (rest.front() != ';') return std::nullopt;
      rest.remove_prefix(1);
    }
    if (name.empty() || !out.params.emplace(std::move(name), std::move(param)).second) {
      return std::nullopt;
    }
  }
  return out;
}

struct Part {
  std::optional<std::string> name;
  std::optional<std::string> file_name;
  std::string content_type;
  std::string_view content;
};

Status ParsePartHeaders(std::string_view headers, Part* part) {
  while (!headers.empty()) {
    size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? "" : headers.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Unexpected(Bad("malformed part header"));
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Disposition")) {
      auto parsed = ParseHeaderValue(value);
      if (!parsed || parsed->type != "form-data") {
        return Unexpected(Bad("a part's Content-Disposition must be form-data"));
      }
      if (auto it = parsed->params.find("name"); it != parsed->params.end())
        part->name = it->second;
      if (auto it = parsed->params.find("filename"); it != parsed->params.end()) {
        part->file_name = it->second;
      } else if (parsed->params.count("filename*") != 0) {
        part->file_name = parsed->params["filename*"];
      }
    } else if (EqualsIgnoreCase(name, "Content-Type")) {
      auto parsed = ParseHeaderValue(value);
      if (!parsed) return Unexpected(Bad("malformed part Content-Type"));
      part->content_type = parsed->type;
    }
  }
  if (!part->name) return Unexpected(Bad("every part needs a Content-Disposition with a name"));
  return Ok();
}

Status AddPart(Part part, const MultipartLimits& limits, MultipartForm* form, bool* have_file) {
  if (part.file_name) {
    if (*have_file) return Unexpected(Bad("exactly one file per upload"));
    const std::string& type = part.content_type;
    if (!type.empty() && type.rfind("image/", 0) != 0 && type != "application/octet-stream") {
      return Unexpected(MakeError(ErrorCode::kUnsupported, "unsupported_media_type",
                                  "the file part must be an image, not " + type.substr(0, 64)));
    }
    *have_file = true;
    form->file = part.content;
    form->file_name = *part.file_name;
    form->file_content_type = part.content_type;
    return Ok();
  }
  if (part.content.size() > limits.max_field_bytes) return Unexpected(Bad("form field too large"));
  if (part.name->empty() || form->fields.count(*part.name) != 0) {
    return Unexpected(Bad("form fields need unique, non-empty names"));
  }
  form->fields.emplace(*part.name, std::string(part.content));
  return Ok();
}

// After a delimiter: "--" ends the body; otherwise optional padding then CRLF starts a part.
// Returns the position after the CRLF, npos for the end, or nullopt when malformed.
std::optional<size_t> AfterDelimiter(std::string_view body, size_t pos) {
  if (body.substr(pos, 2) == "--") return std::string_view::npos;
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
  if (body.substr(pos, 2) != "\r\n") return std::nullopt;
  return pos + 2;
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  auto parsed = ParseHeaderValue(content_type);
  if (!parsed || parsed->type != "multipart/form-data") {
    return Unexpected(Bad("expected multipart/form-data"));
  }
  auto it = parsed->params.find("boundary");
  if (it == parsed->params.end() || it->second.empty() || it->second.size() > 70) {
    return Unexpected(Bad("multipart/form-data needs a boundary of 1..70 characters"));
  }
  return it->second;
}

Result<MultipartForm> ParseMultipart(std::string_view body, std::string_view boundary,
                                     const MultipartLimits& limits) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string inner = "\r\n" + delimiter;
  size_t pos = body.substr(0, delimiter.size()) == delimiter ? 0 : body.find(inner);
  if (pos == std::string_view::npos) return Unexpected(Bad("no multipart delimiter"));
  pos +=
      pos == 0 && body.substr(0, delimiter.size()) == delimiter ? delimiter.size() : inner.size();
  MultipartForm form;
  bool have_file = false;
  for (size_t parts = 0;; ++parts) {
    auto start = AfterDelimiter(body, pos);
    if (!start) return Unexpected(Bad("malformed multipart delimiter line"));
    if (*start == std::string_view::npos) break;
    if (parts >= limits.max_parts) return Unexpected(Bad("too many parts"));
    size_t header_end = body.substr(*start, 2) == "\r\n" ? *start : body.find("\r\n\r\n", *start);
    if (header_end == std::string_view::npos) return Unexpected(Bad("truncated part headers"));
    if (header_end - *start > limits.max_part_header_bytes) {
      return Unexpected(Bad("part headers too large"));
    }
    Part part;
    if (auto ok = ParsePartHeaders(body.substr(*start, header_end - *start), &part); !ok) {
      return Unexpected(ok.error());
    }
    size_t content_start = header_end + (header_end == *start ? 2 : 4);
    size_t content_end = body.find(inner, content_start);
    if (content_end == std::string_view::npos) return Unexpected(Bad("truncated multipart body"));
    part.content = body.substr(content_start, content_end - content_start);
    if (auto ok = AddPart(std::move(part), limits, &form, &have_file); !ok) {
      return Unexpected(ok.error());
    }
    pos = content_end + inner.size();
  }
  if (!have_file) return Unexpected(Bad("no file part"));
  return form;
}

}  // namespace noisett::http
