// IMF-fixdate by hand (see http_date.h). The calendar arithmetic is <chrono>'s civil-date
// conversion: pure integer work, where gmtime_r/timegm take glibc's time-zone lock on every call,
// and Last-Modified is written on every blob answer.
#include "core/http_date.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace noisett {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Two decimal digits of `value` (0..99) at out[0..1].
void PutTwo(char* out, unsigned value) {
  out[0] = static_cast<char>('0' + value / 10 % 10);
  out[1] = static_cast<char>('0' + value % 10);
}

// `digits` decimal digits at text[at...]; -1 when they are not all digits.
int Digits(std::string_view text, size_t at, size_t digits) {
  if (at + digits > text.size()) return -1;
  int value = 0;
  for (size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string FormatHttpDate(int64_t unix_seconds) {
  const int64_t t = std::clamp<int64_t>(unix_seconds, 0, kLastHttpDateSeconds);
  const std::chrono::sys_days date_days{std::chrono::days{t / kSecondsPerDay}};
  const std::chrono::year_month_day date{date_days};
  const auto second_of_day = static_cast<unsigned>(t % kSecondsPerDay);
  const auto year = static_cast<unsigned>(static_cast<int>(date.year()));
  // "Sun, 06 Nov 1994 08:49:37 GMT", assembled in place.
  std::string out = "Www, DD Mmm YYYY HH:MM:SS GMT";
  kDays[std::chrono::weekday{date_days}.c_encoding()].copy(out.data(), 3);
  PutTwo(&out[5], static_cast<unsigned>(date.day()));
  kMonths[static_cast<unsigned>(date.month()) - 1].copy(&out[8], 3);
  PutTwo(&out[12], year / 100);
  PutTwo(&out[14], year % 100);
  PutTwo(&out[17], second_of_day / 3600);
  PutTwo(&out[20], second_of_day / 60 % 60);
  PutTwo(&out[23], second_of_day % 60);
  return out;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  // Fixed columns after the weekday: "24 Nov 2026 00:25:27 GMT".
  const size_t comma = text.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  const std::string_view rest = text.substr(comma + 2);
  if (rest.size() != 24 || rest.substr(20) != " GMT") return std::nullopt;
  const int day = Digits(rest, 0, 2);
  const auto month = std::find(kMonths.begin(), kMonths.end(), rest.substr(3, 3));
  const int year = Digits(rest, 7, 4);
  const int hour = Digits(rest, 12, 2);
  const int minute = Digits(rest, 15, 2);
  const int second = Digits(rest, 18, 2);
  if (day < 1 || month == kMonths.end() || year < 1970 || hour < 0 || minute < 0 || second < 0 ||
      rest[2] != ' ' || rest[6] != ' ' || rest[11] != ' ' || rest[14] != ':' || rest[17] != ':') {
    return std::nullopt;
  }
  const auto month_number = static_cast<unsigned>(month - kMonths.begin()) + 1;
  const std::chrono::sys_days first{std::chrono::year{year} / std::chrono::month{month_number} / 1};
  const int64_t days_since_epoch = first.time_since_epoch().count() + (day - 1);
  return days_since_epoch * kSecondsPerDay + hour * 3600 + minute * 60 + second;
}

}  // namespace noisett
