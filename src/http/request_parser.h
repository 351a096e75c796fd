// Beast's request parser with limits on what a chunked body carries besides its data. Beast
// bounds the header (header_limit) and the data (body_limit), but not chunk extensions
// ("5;name=value") nor the trailer fields after the last chunk, and a trailer field too long for
// its fields container throws out of the parser. Here both count against `framing_limit` bytes
// (the header's limit) and every refusal is an error code, never an exception:
//   chunk extensions past the limit, trailers past it, a field Beast cannot hold
//                                              -> bhttp::error::header_limit (431)
// The session also bounds the read buffer, since Beast holds a whole trailer section in it.
//
// It also refuses what RFC 9112 says a server must refuse and Beast lets through (400, with the
// reason in refusal()): a second Host field or a Host value that is no host[:port] (3.2), a
// header field folded over lines (5.2), and a Content-Length that is not one decimal number (a
// list such as "100,100", which Beast would read as 100) or comes twice (RFC 9110 8.6; Beast
// accepts repeats that agree). A missing Host in an HTTP/1.1
// request is for the caller to check once the header is done (MissingHost()).
#pragma once

#include <boost/beast/http.hpp>

#include "http/header_rules.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string_view>

namespace noisett::http {

class LimitedRequestParser final
    : public boost::beast::http::request_parser<boost::beast::http::string_body> {
 public:
  explicit LimitedRequestParser(uint64_t framing_limit) : framing_left_(framing_limit) {
    count_extensions_ = [this](std::uint64_t, boost::beast::string_view extensions,
                               boost::beast::error_code& ec) {
      Spend(extensions.size(), ec);
    };
    on_chunk_header(count_extensions_);
  }
  LimitedRequestParser(const LimitedRequestParser&) = delete;
  LimitedRequestParser& operator=(const LimitedRequestParser&) = delete;

  // Why the header was refused by the rules above (the parse then failed with bad_value), or "".
  std::string_view refusal() const { return refusal_; }
  // An HTTP/1.1 request must carry Host (HTTP/1.0 predates it). Only after the header.
  bool MissingHost() const { return host_fields_ == 0 && get().version() >= 11; }

 private:
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override {
    // Header fields are bounded by header_limit already; trailers only by what is left here.
    // Trailer fields are counted and dropped (RFC 9110 6.5.1 lets a recipient discard them): no
    // handler reads them, and kept they would sit among the header's fields, where a trailer
    // "Host" or "Content-Length" could be taken for the header's (found by http_fuzz).
    if (is_header_done()) {
      Spend(name_string.size() + value.size() + 4, ec);
      return;
    }
    if (refusal_ = HeaderFieldRefusal(name, name_string, value); !refusal_.empty()) {
      ec = boost::beast::http::error::bad_value;
      return;
    }
    try {
      get().insert(name, name_string, value);
    } catch (const std::length_error&) {
      ec = boost::beast::http::error::header_limit;
    }
  }

  void Spend(uint64_t bytes, boost::beast::error_code& ec) {
    if (bytes > framing_left_) {
      ec = boost::beast::http::error::header_limit;
      return;
    }
    framing_left_ -= bytes;
  }

  // Not pure: counts Host fields as they come.
  std::string_view HeaderFieldRefusal(boost::beast::http::field name,
                                      boost::beast::string_view name_string,
                                      boost::beast::string_view value) {
    const std::string_view v(value.data(), value.size());
    if (WasFolded({name_string.data(), name_string.size()}, v)) {
      return "a header field folded over lines";
    }
    if (name == boost::beast::http::field::content_length) {
      if (++length_fields_ > 1) return "more than one Content-Length header";
      if (!IsDecimalLength(v)) return "Content-Length must be one decimal number";
    }
    if (name == boost::beast::http::field::host) {
      if (++host_fields_ > 1) return "more than one Host header";
      if (!IsHostAndPort(v)) return "a Host header that is no host[:port]";
    }
    return {};
  }

  uint64_t framing_left_;
  int host_fields_ = 0;
  int length_fields_ = 0;
  std::string_view refusal_;
  std::function<void(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      count_extensions_;
};

}  // namespace noisett::http
