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

#include <array>
#include <cstddef>
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

// A short query decoded without allocating, for the one that comes with every signed-link GET:
// up to kMaxPairs pairs whose names hold no '%' and whose decoded values fit kMaxValueBytes in
// all, kept in the view itself. Decode accepts exactly the queries QueryParams::Parse accepts
// that fit those bounds, with the same pairs; any other query (a bad escape, an empty or repeated
// name, a longer one) it leaves to QueryParams::Parse, which says what is wrong.
class QueryView final {
 public:
  static constexpr size_t kMaxPairs = 16;
  static constexpr size_t kMaxValueBytes = 512;
  using Entry = std::pair<std::string_view, std::string_view>;

  QueryView() = default;
  // Values point into the view, names into `raw`: neither may move while they are used.
  QueryView(const QueryView&) = delete;
  QueryView& operator=(const QueryView&) = delete;

  // Decodes `raw` (the part after '?') into this view; false for a query left to Parse (above).
  bool Decode(std::string_view raw);

  // The pairs, in order: names as they are in `raw`, values decoded.
  const Entry* begin() const { return entries_.data(); }
  const Entry* end() const { return entries_.data() + size_; }

 private:
  std::array<Entry, kMaxPairs> entries_;
  size_t size_ = 0;
  std::array<char, kMaxValueBytes> values_;
};

}  // namespace noisett::storage
