// Formatting and parsing of version ids, and the monotonic id source.
#include "storage/local_version_id.h"

#include <cstdio>
#include <ctime>

namespace noisett::storage {
namespace {

constexpr int64_t kSequencesPerSecond = 10'000'000;       // seven fraction digits, as Azure
constexpr int64_t kFiletimeEpochOffset = 11'644'473'600;  // 1601-01-01 to 1970-01-01, seconds

VersionInstant After(VersionInstant instant) {
  if (++instant.sequence == kSequencesPerSecond) {
    instant.sequence = 0;
    ++instant.seconds;
  }
  return instant;
}

bool ReadDigits(std::string_view text, size_t pos, size_t count, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string FormatVersionId(VersionInstant instant) {
  const time_t seconds = static_cast<time_t>(instant.seconds);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%07lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(instant.sequence));
  return buf;
}

std::optional<VersionInstant> ParseVersionId(std::string_view id) {
  // 0123456789012345678901234567
  // 2026-11-23T10:00:00.0000003Z
  if (id.size() != 28 || id[4] != '-' || id[7] != '-' || id[10] != 'T' || id[13] != ':' ||
      id[16] != ':' || id[19] != '.' || id[27] != 'Z') {
    return std::nullopt;
  }
  std::tm tm{};
  int fraction = 0;
  if (!ReadDigits(id, 0, 4, &tm.tm_year) || !ReadDigits(id, 5, 2, &tm.tm_mon) ||
      !ReadDigits(id, 8, 2, &tm.tm_mday) || !ReadDigits(id, 11, 2, &tm.tm_hour) ||
      !ReadDigits(id, 14, 2, &tm.tm_min) || !ReadDigits(id, 17, 2, &tm.tm_sec) ||
      !ReadDigits(id, 20, 7, &fraction)) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return VersionInstant{static_cast<int64_t>(timegm(&tm)), fraction};
}

std::string EtagFor(VersionInstant instant) {
  const int64_t ticks =
      (instant.seconds + kFiletimeEpochOffset) * kSequencesPerSecond + instant.sequence;
  char buf[40];
  std::snprintf(buf, sizeof buf, "\"0x%llX\"", static_cast<unsigned long long>(ticks));
  return buf;
}

VersionInstant VersionIdSource::Next(std::string_view floor) {
  std::lock_guard lock(mu_);
  VersionInstant next{clock_.NowSeconds(), 0};
  if (next <= last_) next = After(last_);
  if (auto parsed = ParseVersionId(floor); parsed && next <= *parsed) next = After(*parsed);
  last_ = next;
  return next;
}

}  // namespace noisett::storage
