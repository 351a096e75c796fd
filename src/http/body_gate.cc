#include "http/body_gate.h"

#include <utility>
#include <vector>

namespace noisett::http {

BodyGate::Ticket& BodyGate::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Reset();
    gate_ = other.gate_;
    bytes_ = other.bytes_;
    other.gate_ = nullptr;
  }
  return *this;
}

void BodyGate::Ticket::Reset() {
  if (gate_ == nullptr) return;
  BodyGate* gate = gate_;
  gate_ = nullptr;
  gate->Release(bytes_);
}

void BodyGate::Acquire(uint64_t bytes, std::function<void(Ticket)> admitted) {
  {
    std::lock_guard lock(mu_);
    // Behind anyone already waiting, even when these bytes would fit: a large body is never
    // overtaken for ever by small ones.
    if (!waiters_.empty() || !FitsLocked(bytes)) {
      waiters_.push_back({bytes, std::move(admitted)});
      return;
    }
    held_ += bytes;
  }
  admitted(Ticket(this, bytes));
}

size_t BodyGate::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

uint64_t BodyGate::held_bytes() const {
  std::lock_guard lock(mu_);
  return held_;
}

void BodyGate::DropWaiters() {
  std::deque<Waiter> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(waiters_);
  }
}

// Freed bytes go to the oldest waiters, in order, as far as they fit; they are counted as held
// before any callback runs, so a newcomer cannot take them in between.
void BodyGate::Release(uint64_t bytes) {
  std::vector<Waiter> admitted;
  {
    std::lock_guard lock(mu_);
    held_ -= bytes;
    while (!waiters_.empty() && FitsLocked(waiters_.front().bytes)) {
      held_ += waiters_.front().bytes;
      admitted.push_back(std::move(waiters_.front()));
      waiters_.pop_front();
    }
  }
  for (auto& w : admitted) w.admitted(Ticket(this, w.bytes));
}

}  // namespace noisett::http
