// Version ids and ETags for LocalBlobStore. A version id is the write's time in Azure's own shape,
// "2026-11-23T10:00:00.0000003Z", where the seven fraction digits are a counter rather than real
// sub-second time (the Clock has one-second resolution): ids sort as strings in write order. The
// ETag is derived from the same instant, so it changes on every content write and never on a
// property change.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace noisett::storage {

struct VersionInstant {
  int64_t seconds = 0;   // since the epoch
  int64_t sequence = 0;  // 0..9999999 within the second
  auto operator<=>(const VersionInstant&) const = default;
};

std::string FormatVersionId(VersionInstant instant);
// nullopt unless `id` is exactly in FormatVersionId's shape.
std::optional<VersionInstant> ParseVersionId(std::string_view id);
// "\"0x1DC5B6E4F1A2B3C\"": Windows FILETIME ticks of the instant, quoted (a strong ETag).
std::string EtagFor(VersionInstant instant);

// Hands out strictly increasing instants. Thread-safe.
class VersionIdSource final {
 public:
  explicit VersionIdSource(const Clock& clock) : clock_(clock) {}

  // An instant later than every one handed out before and later than `floor` (the blob's newest
  // version id, empty for none) — so ids stay ordered even if the clock steps back or the process
  // restarts within the same second.
  VersionInstant Next(std::string_view floor);

 private:
  const Clock& clock_;
  std::mutex mu_;
  VersionInstant last_;  // guarded by mu_
};

}  // namespace noisett::storage
