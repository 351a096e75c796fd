// Response head serialization.
#include "http/response_head.h"

#include <charconv>

namespace noisett::http {
namespace {

bool SafeHeaderText(std::string_view v) {
  // No early exit: the loop has no branch to mispredict, and the compiler vectorizes it.
  bool unsafe = false;
  for (char c : v) unsafe |= (c == '\r') | (c == '\n') | (c == '\0');
  return !unsafe;
}

bool OwnedByTransport(std::string_view name) {
  // By length first: most names are none of these, and most are told apart without a compare.
  switch (name.size()) {
    case 10:
      return EqualsIgnoreCase(name, "Connection");
    case 12:
      return EqualsIgnoreCase(name, "X-Request-Id");
    case 14:
      return EqualsIgnoreCase(name, "Content-Length");
    case 17:
      return EqualsIgnoreCase(name, "Transfer-Encoding");
    case 22:
      return EqualsIgnoreCase(name, "X-Content-Type-Options");
    default:
      return false;
  }
}

void AppendField(std::string* out, std::string_view name, std::string_view value) {
  out->append(name).append(": ").append(value).append("\r\n");
}

void AppendNumber(std::string* out, uint64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;  // 24 digits always fit a uint64_t
  out->append(digits, end);
}

}  // namespace

uint64_t BodySize(const HttpResponse& res) { return res.file ? res.file->length : res.body.size(); }

bool NoBodyStatus(int status) { return status / 100 == 1 || status == 204 || status == 304; }

std::string ResponseHead(const HttpResponse& res, const HeadOptions& options) {
  std::string out;
  out.reserve(320);
  out.append(options.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(&out, static_cast<uint64_t>(res.status));
  out.push_back(' ');
  out.append(ReasonPhrase(res.status)).append("\r\n");
  for (const auto& [name, value] : res.headers.fields()) {
    if (OwnedByTransport(name) || !SafeHeaderText(name) || !SafeHeaderText(value)) continue;
    AppendField(&out, name, value);
  }
  if (!options.request_id.empty() && SafeHeaderText(options.request_id)) {
    AppendField(&out, "X-Request-Id", options.request_id);
  }
  // No response of ours is meant to be content-sniffed (JSON errors included).
  AppendField(&out, "X-Content-Type-Options", "nosniff");
  if (options.streamed) {
    if (options.version != 10) AppendField(&out, "Transfer-Encoding", "chunked");
  } else if (!NoBodyStatus(res.status)) {
    auto given = res.headers.Get("Content-Length");
    if (options.head_request && given && SafeHeaderText(*given)) {
      AppendField(&out, "Content-Length", *given);
    } else {
      out.append("Content-Length: ");
      AppendNumber(&out, BodySize(res));
      out.append("\r\n");
    }
  }
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
  if (options.version == 10 && options.keep_alive) AppendField(&out, "Connection", "keep-alive");
  if (options.version != 10 && !options.keep_alive) AppendField(&out, "Connection", "close");
  out.append("\r\n");
  return out;
}

std::string BodyPiece(std::string_view piece, bool chunked) {
  if (!chunked || piece.empty()) return std::string(piece);
  char size[24];
  auto [end, ec] = std::to_chars(size, size + sizeof size, piece.size(), 16);
  (void)ec;  // 24 hex digits always fit a size_t
  std::string out;
  out.reserve(size_t(end - size) + piece.size() + 4);
  out.append(size, end).append("\r\n").append(piece).append("\r\n");
  return out;
}

}  // namespace noisett::http
