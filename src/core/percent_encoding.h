// Percent-encoding (RFC 3986 §2.1), both ways, for every URL, query string and form body the
// program writes or reads. Callers differ in which bytes may stay as they are and in what a '+'
// means, so both are parameters; everything else (upper-case hex on output, either case on input,
// a '%' without two hex digits refused) is the same everywhere. Which parameters a query carries
// and how pairs are split belong to the parsers that use these (http/http_types.h,
// storage/query_params.h).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace noisett {

// The bytes PercentEncode leaves as they are; every other byte becomes %XX (upper-case hex).
enum class PercentKeep {
  // A-Z a-z 0-9 . _ -: one segment or query value of a link we sign. Narrower than RFC 3986 ('~'
  // is escaped too), so no browser, proxy or CDN has anything left to reinterpret.
  kLinkComponent,
  // kLinkComponent and '/': a blob path in a link, its separators kept.
  kLinkPath,
  // RFC 3986 unreserved, A-Z a-z 0-9 - . _ ~: Azure REST paths and queries, form bodies.
  kUnreserved,
  // JavaScript's encodeURIComponent, kUnreserved and ! * ' ( ): SAS query values, spelled as the
  // Azure SDK spells them.
  kUriComponent,
  // Everything but space, " < > \ ^ ` { | } and bytes from 0x80: a request target as a client
  // typed it, whose existing %XX escapes, '/' and '?' must stay.
  kRequestTarget,
};

// `text` percent-encoded: "a b/ü" with kLinkPath -> "a%20b/%C3%BC".
std::string PercentEncode(std::string_view text, PercentKeep keep);

// The same, appended to `out`: links are built in one string, hundreds per history page, and
// bytes that stay are copied a run at a time.
void AppendPercentEncoded(std::string& out, std::string_view text, PercentKeep keep);

// What a literal '+' decodes to.
enum class PlusMeans {
  kPlus,   // RFC 3986: '+' is itself (paths, and link queries, whose base64 signatures are full
           // of '+' that a client may have left unescaped)
  kSpace,  // application/x-www-form-urlencoded: '+' is a space (HTML forms, our API's queries)
};

// Every %XX decoded (either hex case), '+' as `plus` says, every other byte as it is. The result
// may hold any byte, NUL included: callers check what they accept.
// Errors: kInvalidArgument "bad_percent_encoding" for a '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, PlusMeans plus = PlusMeans::kPlus);

}  // namespace noisett
