// Beast's request parser with limits on what a chunked body carries besides its data. Beast
// bounds the header (header_limit) and the data (body_limit), but not chunk extensions
// ("5;name=value") nor the trailer fields after the last chunk, and a trailer field too long for
// its fields container throws out of the parser. Here both count against `framing_limit` bytes
// (the header's limit) and every refusal is an error code, never an exception:
//   chunk extensions past the limit, trailers past it, a field Beast cannot hold
//                                              -> bhttp::error::header_limit (431)
// The session also bounds the read buffer, since Beast holds a whole trailer section in it.
#pragma once

#include <boost/beast/http.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>

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

 private:
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override {
    // Header fields are bounded by header_limit already; trailers only by what is left here.
    if (is_header_done()) {
      Spend(name_string.size() + value.size() + 4, ec);
      if (ec) return;
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

  uint64_t framing_left_;
  std::function<void(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      count_extensions_;
};

}  // namespace noisett::http
