// The query strings of signed links, for the link signer and its verifier. The byte-level rules are
// core/percent_encoding.h's (links use PercentKeep::kLinkComponent and kLinkPath); which
// parameters a link carries and what they mean belong to link_signer.h.
//
// Two deliberate choices:
//  - `+` is NOT a space (PlusMeans::kPlus). Form encoding (application/x-www-form-urlencoded)
//    turns '+' into ' ', but RFC 3986 query strings do not, and a base64 signature is full of '+'.
//    We always emit %2B, and a raw '+' that a client or proxy left unencoded still means '+', so
//    the link keeps working.
//  - Parsing is strict: a '%' not followed by two hex digits, an empty name or a repeated name is
//    refused, never guessed at. A repeated name matters: "sp=r&sp=rw" must not let the verifier and
//    some other reader of the URL see different values.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace noisett::storage {

// The decoded name=value pairs of a query string, in order.
class QueryParams final {
 public:
  using Entry = std::pair<std::string, std::string>;

  // Parses the part after '?' (without any '#fragment'). "a=1&b" gives a="1", b="" ; empty
  // pieces ("a=1&&b=2", a trailing '&') are skipped. Errors, all kPermissionDenied because this
  // parser reads link queries and the HTTP layer answers every link refusal with 403:
  //   "link_bad_encoding"    a bad %-escape or an empty name;
  //   "link_duplicate_param" a name (after decoding) appears twice.
  static Result<QueryParams> Parse(std::string_view raw);

  QueryParams() = default;
  QueryParams(std::initializer_list<Entry> entries) : entries_(entries) {}

  // Appends a pair as is (no duplicate check: Get refuses to choose between duplicates anyway).
  void Add(std::string name, std::string value);

  // The number of pairs named `name`.
  size_t Count(std::string_view name) const;
  // The value of the only pair named `name`; nullopt when there is none or more than one.
  std::optional<std::string_view> Get(std::string_view name) const;

  const std::vector<Entry>& entries() const { return entries_; }

  // "name=value&..." in insertion order, both sides encoded with PercentKeep::kLinkComponent.
  std::string Encode() const;
  // Encode()'s text appended to `out`.
  void AppendEncoded(std::string& out) const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace noisett::storage
