// Identifiers that become parts of blob paths: user ids (from a validated token's oid or the
// operator's --user) and job ids (made here, never by clients). Both have a closed alphabet, so
// no client string becomes a path unchecked.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace noisett {

// [A-Za-z0-9_-]{1,64}
bool IsValidUserId(std::string_view id);

// A ULID: 26 Crockford base32 characters, 48-bit millisecond time then 80 random bits, so ids
// sort by creation time. `now_ms` is milliseconds since the epoch.
std::string NewJobId(int64_t now_ms);

// Where the service's job ids come from; the time is the caller's (its injected Clock).
// Thread-safe.
class JobIdSource {
 public:
  virtual ~JobIdSource() = default;
  // A new id for a job made at `now_ms`, greater than every id this source made before (so jobs
  // made within one millisecond, or while a test clock stands still, keep their order).
  virtual std::string Next(int64_t now_ms) = 0;
};

// ULIDs with OS-seeded random bits, monotonic as the ULID specification's factory is: within one
// millisecond (or when the clock steps back) the previous id's random part plus one.
class UlidSource final : public JobIdSource {
 public:
  std::string Next(int64_t now_ms) override;

 private:
  std::mutex mu_;
  std::string last_;  // guarded by mu_
};
// 26 characters of the Crockford alphabet (0-9, A-Z without I, L, O, U), uppercase.
bool IsValidJobId(std::string_view id);

}  // namespace noisett
