// How many bytes of large request bodies the server holds in memory at once. Without a bound,
// every client uploading at the same time has its whole body read and queued for the workers
// (10 MiB each at most, on up to max_connections connections). A request that does not fit waits,
// unread, with its body in the kernel's socket buffer and the client simply waiting, until earlier
// ones have been handled. Pure (no Asio): the server posts the continuation to the session's
// thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

namespace noisett::http {

class BodyGate {
 public:
  // Holds its bytes of the budget until destroyed, Reset or moved from. Empty when default-made.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept : gate_(other.gate_), bytes_(other.bytes_) {
      other.gate_ = nullptr;
    }
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { Reset(); }

    void Reset();
    bool held() const { return gate_ != nullptr; }

   private:
    friend class BodyGate;
    Ticket(BodyGate* gate, uint64_t bytes) : gate_(gate), bytes_(bytes) {}
    BodyGate* gate_ = nullptr;
    uint64_t bytes_ = 0;
  };

  explicit BodyGate(uint64_t budget_bytes) : budget_(budget_bytes) {}
  BodyGate(const BodyGate&) = delete;
  BodyGate& operator=(const BodyGate&) = delete;

  // Calls `admitted` with a ticket for `bytes` once they fit in the budget: at once, on this
  // thread, when they do and nobody is waiting; otherwise later, first come first served, on the
  // thread that gives bytes back (so `admitted` must only post work elsewhere, never block). A
  // body larger than the whole budget is admitted when nothing else is held, so it still passes.
  void Acquire(uint64_t bytes, std::function<void(Ticket)> admitted);

  // Requests waiting now, and bytes admitted and not yet given back (for tests and metrics).
  size_t waiting() const;
  uint64_t held_bytes() const;

  // Forgets every waiter without calling it (the server's teardown: what a waiter holds must be
  // destroyed while the server's I/O contexts are still alive).
  void DropWaiters();

 private:
  struct Waiter {
    uint64_t bytes;
    std::function<void(Ticket)> admitted;
  };

  bool FitsLocked(uint64_t bytes) const { return held_ == 0 || held_ + bytes <= budget_; }
  void Release(uint64_t bytes);

  const uint64_t budget_;
  mutable std::mutex mu_;
  uint64_t held_ = 0;            // guarded by mu_
  std::deque<Waiter> waiters_;  // guarded by mu_
};

}  // namespace noisett::http
