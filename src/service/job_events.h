// Who is waiting on a generation job: event streams, `"wait": true` requests and the CLI. The
// job runner calls Notify when a job it runs changes (an image stored, a finish); a job run by
// another instance is noticed by the periodic wake-up (every `poll`), which re-reads every waited
// job from the catalog. Listeners run on the notifying thread or on this hub's own thread, never
// on a request worker: a waiting stream holds no thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace noisett::service {

class JobEvents {
 public:
  using Listener = std::function<void()>;

  explicit JobEvents(std::chrono::milliseconds poll = std::chrono::seconds(1));
  ~JobEvents();
  JobEvents(const JobEvents&) = delete;
  JobEvents& operator=(const JobEvents&) = delete;

  // Calls `listener` once, at the next Notify(job_id) or (when wake_on_poll) the next periodic
  // wake-up, whichever comes first. Answers a ticket for Forget.
  uint64_t WaitOnce(const std::string& job_id, Listener listener, bool wake_on_poll = true);
  // The listener of `ticket` will not be called (unless it already is being called).
  void Forget(uint64_t ticket);
  // Something about `job_id` changed: its listeners are called, here, now.
  void Notify(const std::string& job_id);
  // Blocks until the next change of `job_id` or wake-up, or `deadline`; false at the deadline.
  bool WaitUntil(const std::string& job_id, std::chrono::steady_clock::time_point deadline);
  // Blocks until `done()` (a read of the job) holds or `deadline` passes; answers done()'s last
  // value. It listens before each read, so a change between a read and the wait is never missed.
  bool WaitFor(const std::string& job_id, std::chrono::steady_clock::time_point deadline,
               const std::function<bool()>& done);

  // Whether this instance's runner holds `job_id`: its listeners are then woken by the runner's
  // Notify alone, not re-read at every periodic wake-up (which is for jobs run elsewhere).
  void SetLocal(const std::string& job_id, bool local);

  // Listeners waiting now (for /metrics and tests).
  size_t waiting() const;

 private:
  void WakeAll();
  void PollLoop();

  const std::chrono::milliseconds poll_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  uint64_t next_ticket_ = 1;
  struct Waiter {
    uint64_t ticket;
    bool wake_on_poll;
    Listener listener;
  };
  std::multimap<std::string, Waiter> waiting_;
  std::set<std::string, std::less<>> local_;
  std::thread poller_;
};

}  // namespace noisett::service
