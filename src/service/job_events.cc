// The hub: a multimap of one-shot listeners by job id, emptied by a notify or by the poller.
#include "service/job_events.h"

#include <memory>
#include <vector>

#include "core/log.h"

namespace noisett::service {
namespace {

// A listener that throws must not take the notifying thread (the runner's, the poller's) down.
void CallAll(std::vector<JobEvents::Listener>& listeners) {
  for (auto& listener : listeners) {
    try {
      listener();
    } catch (const std::exception& e) {
      LogError(std::string("job events: a listener threw: ") + e.what());
    } catch (...) {
      LogError("job events: a listener threw");
    }
  }
}

}  // namespace

JobEvents::JobEvents(std::chrono::milliseconds poll) : poll_(poll) {
  poller_ = std::thread([this] { PollLoop(); });
}

JobEvents::~JobEvents() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  poller_.join();
}

uint64_t JobEvents::WaitOnce(const std::string& job_id, Listener listener, bool wake_on_poll) {
  std::lock_guard lock(mu_);
  const uint64_t ticket = next_ticket_++;
  waiting_.emplace(job_id, Waiter{ticket, wake_on_poll, std::move(listener)});
  return ticket;
}

void JobEvents::Forget(uint64_t ticket) {
  std::lock_guard lock(mu_);
  std::erase_if(waiting_, [ticket](const auto& entry) { return entry.second.ticket == ticket; });
}

void JobEvents::Notify(const std::string& job_id) {
  std::vector<Listener> due;
  {
    std::lock_guard lock(mu_);
    auto [first, last] = waiting_.equal_range(job_id);
    for (auto it = first; it != last; ++it) due.push_back(std::move(it->second.listener));
    waiting_.erase(first, last);
  }
  CallAll(due);
}

void JobEvents::WakeAll() {
  std::vector<Listener> due;
  {
    std::lock_guard lock(mu_);
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (!it->second.wake_on_poll || local_.contains(it->first)) {
        ++it;
        continue;
      }
      due.push_back(std::move(it->second.listener));
      it = waiting_.erase(it);
    }
  }
  CallAll(due);
}

namespace {

// A one-shot signal a listener sets and a waiting thread waits on.
struct Flag {
  std::mutex mu;
  std::condition_variable cv;
  bool set = false;

  void Set() {
    std::lock_guard lock(mu);
    set = true;
    cv.notify_all();
  }
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu);
    return cv.wait_until(lock, deadline, [this] { return set; });
  }
};

}  // namespace

bool JobEvents::WaitUntil(const std::string& job_id,
                          std::chrono::steady_clock::time_point deadline) {
  auto flag = std::make_shared<Flag>();
  const uint64_t ticket = WaitOnce(job_id, [flag] { flag->Set(); });
  const bool woken = flag->WaitUntil(deadline);
  if (!woken) Forget(ticket);
  return woken;
}

bool JobEvents::WaitFor(const std::string& job_id, std::chrono::steady_clock::time_point deadline,
                        const std::function<bool()>& done) {
  for (;;) {
    auto flag = std::make_shared<Flag>();
    const uint64_t ticket = WaitOnce(job_id, [flag] { flag->Set(); });
    if (done()) {
      Forget(ticket);
      return true;
    }
    if (!flag->WaitUntil(deadline)) {
      Forget(ticket);
      return done();
    }
  }
}

void JobEvents::SetLocal(const std::string& job_id, bool local) {
  std::lock_guard lock(mu_);
  if (local) {
    local_.insert(job_id);
  } else {
    local_.erase(job_id);
  }
}

size_t JobEvents::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void JobEvents::PollLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, poll_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    WakeAll();
    lock.lock();
  }
}

}  // namespace noisett::service
