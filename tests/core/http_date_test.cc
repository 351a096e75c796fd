// IMF-fixdates both ways: the published example, the epoch, the last four-digit year, leap days,
// and every shape of text the parser must refuse.
#include "core/http_date.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace noisett {
namespace {

TEST(FormatHttpDateTest, ImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(1795479927), "Tue, 24 Nov 2026 00:25:27 GMT");
  EXPECT_EQ(FormatHttpDate(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");   // leap day, century
  EXPECT_EQ(FormatHttpDate(4107542399), "Sun, 28 Feb 2100 23:59:59 GMT");  // 2100: no leap day
  EXPECT_EQ(FormatHttpDate(4107542400), "Mon, 01 Mar 2100 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(4133980799), "Fri, 31 Dec 2100 23:59:59 GMT");
}

TEST(FormatHttpDateTest, ClampsToWhatFourDigitYearsCanSay) {
  EXPECT_EQ(FormatHttpDate(-1), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(INT64_MIN), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(kLastHttpDateSeconds), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(FormatHttpDate(kLastHttpDateSeconds + 1), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(FormatHttpDate(INT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(FormatHttpDate(253370764800), "Fri, 01 Jan 9999 00:00:00 GMT");
}

// The C library's answer for the same second, spelled the same way (English names by hand).
std::string LibcHttpDate(int64_t seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buffer;
}

TEST(FormatHttpDateTest, AgreesWithTheCLibraryAndParsesBack) {
  std::mt19937_64 rng(20261124);  // fixed: a failure must reproduce
  std::uniform_int_distribution<int64_t> second(0, kLastHttpDateSeconds);
  for (int i = 0; i < 20000; ++i) {
    const int64_t t = i < 10 ? kLastHttpDateSeconds - i : second(rng);
    const std::string text = FormatHttpDate(t);
    ASSERT_EQ(text, LibcHttpDate(t)) << t;
    ASSERT_EQ(text.size(), 29u);
    ASSERT_EQ(ParseHttpDate(text), t) << text;
  }
}

TEST(ParseHttpDateTest, ReadsImfFixdates) {
  EXPECT_EQ(ParseHttpDate("Tue, 24 Nov 2026 00:25:27 GMT"), 1795479927);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT"), kLastHttpDateSeconds);
  EXPECT_EQ(ParseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT"), 951782400);
}

TEST(ParseHttpDateTest, CarriesOverflowingFieldsAsTimegmDoes) {
  // The weekday is not checked, and fields past their range carry (Azure never sends either).
  EXPECT_EQ(ParseHttpDate("Xyz, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDate("Sat, 31 Feb 2026 00:00:00 GMT"), 1772496000);  // 3 March 2026
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 24:00:00 GMT"), 86400);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:60 GMT"), 60);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 99:99:99 GMT"), 99 * 3600 + 99 * 60 + 99);
}

TEST(ParseHttpDateTest, RefusesEverythingElse) {
  for (const char* bad : {
           "",
           "Tue, 24 Nov 2026 00:25:27 UTC",    // not GMT
           "Tue, 24 Foo 2026 00:25:27 GMT",    // no such month
           "Tue, 24 nov 2026 00:25:27 GMT",    // month names are case-sensitive
           "2026-11-24T00:25:27Z",             // ISO 8601
           "Tuesday, 24-Nov-26 00:25:27 GMT",  // RFC 850
           "Tue Nov 24 00:25:27 2026",         // asctime
           "Tue, 24 Nov 2026 00:25:27 GMT ",   // trailing space
           "Tue, 24 Nov 2026 00:25:27",        // no zone
           "Tue,24 Nov 2026 00:25:27 GMT",     // no space after the comma
           "Tue, 4 Nov 2026 00:25:27 GMT",     // one-digit day
           "Tue, 00 Nov 2026 00:25:27 GMT",    // day zero
           "Tue, 24 Nov 1969 23:59:59 GMT",    // before the epoch
           "Tue, 24 Nov 0000 00:00:00 GMT",
           "Tue, 24 Nov 20261 00:25:27 GMT",  // five-digit year
           "Tue, 24 Nov 2026 0:25:27 GMT",
           "Tue, 24 Nov 2026 00-25-27 GMT",  // wrong separators
           "Tue, 24/Nov/2026 00:25:27 GMT",
           "Tue, 2a Nov 2026 00:25:27 GMT",  // a letter in a numeric column
           "Tue, 24 Nov 2026 00:25:2x GMT",
           "Tue, -4 Nov 2026 00:25:27 GMT",  // a sign
           "Tue, 24 Nov +026 00:25:27 GMT",
       }) {
    EXPECT_FALSE(ParseHttpDate(bad).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(ParseHttpDate(std::string_view("Tue, 24 Nov 2026 00:25:27 GMT\0", 30)));
  EXPECT_FALSE(ParseHttpDate(std::string_view("Tue, 24 Nov 2026\0 00:25:27 GMT", 30)));
}

}  // namespace
}  // namespace noisett
