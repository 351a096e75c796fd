// libFuzzer target over the multipart/form-data reader of the upload route. The input's first
// line is the request's Content-Type, the rest its body. Checked on every form the reader accepts:
// the file is a view into the body and holds no delimiter, the file's type is one the reader
// allows, fields keep to the limits, and the form written out again in canonical form (where its
// names can be written) reads back as the very same form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/multipart.h"

namespace {

using noisett::http::MultipartForm;
using noisett::http::MultipartLimits;

bool Within(std::string_view inner, std::string_view outer) {
  return inner.empty() ||
         (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

// A name can go between the quotes of a Content-Disposition parameter unescaped.
bool Quotable(std::string_view s) {
  return s.find_first_of("\"\\\r\n") == std::string_view::npos;
}

void CheckInvariants(const MultipartForm& form, std::string_view body, std::string_view boundary,
                     const MultipartLimits& limits) {
  if (!Within(form.file, body)) std::abort();
  if (form.file.find("\r\n--" + std::string(boundary)) != std::string_view::npos) std::abort();
  const std::string& type = form.file_content_type;
  if (!type.empty() && type.rfind("image/", 0) != 0 && type != "application/octet-stream") {
    std::abort();
  }
  if (form.fields.size() + 1 > limits.max_parts) std::abort();
  for (const auto& [name, value] : form.fields) {
    if (name.empty() || value.size() > limits.max_field_bytes) std::abort();
  }
}

// The form as a browser would send it: the file first, then the fields, CRLF everywhere.
std::string Canonical(const MultipartForm& form, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::string out = delimiter + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                    form.file_name + "\"\r\n";
  if (!form.file_content_type.empty()) out += "Content-Type: " + form.file_content_type + "\r\n";
  out += "\r\n";
  out.append(form.file);
  for (const auto& [name, value] : form.fields) {
    out += "\r\n" + delimiter + "\r\nContent-Disposition: form-data; name=\"" + name +
           "\"\r\n\r\n" + value;
  }
  return out + "\r\n" + delimiter + "--\r\n";
}

void CheckRoundTrip(const MultipartForm& form, std::string_view boundary,
                    const MultipartLimits& limits) {
  if (!Quotable(form.file_name) || form.fields.count("file") != 0) return;
  for (const auto& [name, value] : form.fields) {
    if (!Quotable(name)) return;
  }
  const std::string again = Canonical(form, boundary);
  // Quoting may lengthen a part's headers past the limit the original just met.
  MultipartLimits relaxed = limits;
  relaxed.max_part_header_bytes += 64;
  auto reread = noisett::http::ParseMultipart(again, boundary, relaxed);
  if (!reread || reread->file != form.file || reread->file_name != form.file_name ||
      reread->file_content_type != form.file_content_type || reread->fields != form.fields) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  if (eol == std::string_view::npos) return 0;
  auto boundary = noisett::http::MultipartBoundary(input.substr(0, eol));
  if (!boundary) return 0;
  if (boundary->empty() || boundary->size() > 70) std::abort();
  // A copy of exactly the body, so ASan sees any read past its end.
  const std::string body(input.substr(eol + 1));
  MultipartLimits limits;
  limits.max_parts = 4;  // small limits reach their edges in a few bytes
  limits.max_part_header_bytes = 256;
  limits.max_field_bytes = 64;
  auto form = noisett::http::ParseMultipart(body, *boundary, limits);
  if (!form) {
    const auto& reason = form.error().reason;
    if (reason != "bad_multipart" && reason != "unsupported_media_type") std::abort();
    return 0;
  }
  CheckInvariants(*form, body, *boundary, limits);
  CheckRoundTrip(*form, *boundary, limits);
  return 0;
}
