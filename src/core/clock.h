// Time as a dependency: code that checks expiries or schedules work asks a Clock, so tests can
// stand at any instant (a token one second before its exp) without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace noisett {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (JWT NumericDate, SAS times).
  virtual int64_t NowSeconds() const = 0;
  // Milliseconds since the Unix epoch (job ids sort by it); a clock that only knows seconds
  // answers the start of its second.
  virtual int64_t NowMillis() const { return NowSeconds() * 1000; }
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // One shared instance; stateless, so sharing is free.
  static const SystemClock& Instance() {
    static const SystemClock clock;
    return clock;
  }
};

// A clock that stands still until told to move; thread-safe. Used by tests and by the fuzz target.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now) : now_(now) {}
  int64_t NowSeconds() const override { return now_.load(std::memory_order_relaxed); }
  void Set(int64_t now) { now_.store(now, std::memory_order_relaxed); }
  void Advance(int64_t seconds) { now_.fetch_add(seconds, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace noisett
