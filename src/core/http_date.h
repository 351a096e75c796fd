// HTTP dates: the IMF-fixdate of RFC 9110 §5.6.7, "Sun, 06 Nov 1994 08:49:37 GMT" (the RFC 1123
// form Azure calls it), written for Last-Modified and x-ms-date and read from Azure's headers and
// listings. Always English names and GMT: no locale, no time zone, no libc clock functions, so
// safe from any thread. Other timestamp formats (ISO 8601 in SAS fields and logs) live with their
// users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace noisett {

// The last second an IMF-fixdate can spell (four-digit years): 9999-12-31T23:59:59Z.
inline constexpr int64_t kLastHttpDateSeconds = 253402300799;

// Unix seconds as an IMF-fixdate, always 29 characters. Seconds before the epoch give the epoch,
// seconds after kLastHttpDateSeconds give that second.
std::string FormatHttpDate(int64_t unix_seconds);

// "Tue, 24 Nov 2026 00:25:27 GMT" -> Unix seconds; nullopt unless the text after the first ", "
// is exactly "DD Mon YYYY HH:MM:SS GMT" with digits in every numeric column, an English month
// abbreviation, a year from 1970 and a day from 01. As timegm() would: the weekday before the
// comma is not checked, and a day, hour, minute or second past its range carries into the next
// unit ("31 Feb" is 3 March in a common year, "24:00:00" the next midnight).
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace noisett
