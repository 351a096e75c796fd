// libFuzzer target over the server's request parser (http/request_parser.h: Beast's parser with
// Noisett's limits and RFC 9112 refusals), fed the way a session feeds it: raw bytes arriving in
// pieces into a bounded buffer, one request after another on the connection (pipelining),
// chunked bodies with extensions and trailers included. The first input byte sets the size of
// the pieces (1..64 bytes, so every "need more" path is taken), the rest is the byte stream.
// Checked: nothing throws (an exception out of the parser once dropped the connection and
// escaped the I/O loop); every refusal by Noisett's rules is a bad_value with a reason; a header
// the parser accepted has at most one Host and one Content-Length, a Content-Length of digits only
// and no field value with CR, LF or NUL; an HTTP/1.1 header without Host is reported; a finished
// body never exceeds the body limit, matches its declared length, and extensions and trailers
// never take more than their budget.
// As in http/session.cc, where the parser runs: Boost's debug asserts off (see there for the
// one in Beast's chunk parser that a dripped last chunk trips).
#define BOOST_DISABLE_ASSERTS
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "http/request_parser.h"

namespace {

namespace bhttp = boost::beast::http;
using noisett::http::LimitedRequestParser;

constexpr uint32_t kHeaderLimit = 1024;
constexpr uint64_t kBodyLimit = 2048;
// As the session: room for a body read plus two headers' worth.
constexpr size_t kBufferCap = 2 * kHeaderLimit + 4096;

void Require(bool ok) {
  if (!ok) std::abort();
}

bool HasControl(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Checks made once, when the header has just been parsed (trailers join the same fields later).
void CheckHeader(const LimitedRequestParser& parser) {
  const auto& req = parser.get();
  size_t hosts = 0, lengths = 0;
  for (const auto& field : req) {
    Require(!HasControl({field.value().data(), field.value().size()}));
    if (field.name() == bhttp::field::host) ++hosts;
    if (field.name() == bhttp::field::content_length) {
      ++lengths;
      const auto v = field.value();
      Require(!v.empty() && std::all_of(v.begin(), v.end(), [](unsigned char c) {
        return std::isdigit(c);
      }));
    }
  }
  Require(hosts <= 1 && lengths <= 1);
  Require(parser.MissingHost() == (hosts == 0 && req.version() >= 11));
}

void CheckDone(LimitedRequestParser& parser, std::optional<uint64_t> declared) {
  const std::string& body = parser.get().body();
  Require(body.size() <= kBodyLimit);
  if (declared) Require(body.size() == *declared);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t piece = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string pending;
  std::optional<LimitedRequestParser> parser;
  bool header_checked = false;
  std::optional<uint64_t> declared;
  for (int requests = 0; requests < 16;) {
    if (!parser) {
      parser.emplace(kHeaderLimit);
      parser->header_limit(kHeaderLimit);
      parser->body_limit(kBodyLimit);
      parser->eager(true);
      header_checked = false;
    }
    if (!stream.empty()) {
      const size_t n = std::min(piece, stream.size());
      pending.append(stream.substr(0, n));
      stream.remove_prefix(n);
    }
    boost::beast::error_code ec;
    const size_t used = parser->put(boost::asio::buffer(pending), ec);
    pending.erase(0, used);
    if (parser->is_header_done() && !header_checked) {
      CheckHeader(*parser);
      header_checked = true;
      const auto length = parser->content_length();  // a boost::optional
      declared = length ? std::optional<uint64_t>(*length) : std::nullopt;
    }
    if (!parser->refusal().empty()) Require(ec == bhttp::error::bad_value);
    if (ec == bhttp::error::need_more) {
      if (stream.empty() || pending.size() > kBufferCap) break;  // the session stops here too
      continue;
    }
    if (ec) break;  // a refusal: the session answers it and closes
    if (parser->is_done()) {
      CheckDone(*parser, declared);
      parser.reset();
      ++requests;
      continue;
    }
    if (stream.empty() && used == 0) break;
  }
  return 0;
}
