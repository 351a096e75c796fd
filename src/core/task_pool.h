// A fixed set of threads running posted tasks in order of posting. For work that must not run on
// the caller's thread (the job runner's images) and needs nothing fancier. Tasks must not throw;
// one that does is logged and dropped, the thread goes on.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace noisett {

class TaskPool {
 public:
  // `name` names the pool in logs.
  TaskPool(std::string name, unsigned threads);
  // Runs the tasks already posted, then joins.
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void Post(std::function<void()> task);
  // Waits until every task posted so far has run and no thread is busy.
  void Drain();

 private:
  void Loop();

  const std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace noisett
