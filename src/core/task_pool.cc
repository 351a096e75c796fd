#include "core/task_pool.h"

#include <exception>

#include "core/log.h"

namespace noisett {

TaskPool::TaskPool(std::string name, unsigned threads) : name_(std::move(name)) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { Loop(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void TaskPool::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void TaskPool::Drain() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return tasks_.empty() && busy_ == 0; });
}

void TaskPool::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, nothing left
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    ++busy_;
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      LogError(name_ + ": a task threw: " + e.what());
    } catch (...) {
      LogError(name_ + ": a task threw");
    }
    lock.lock();
    --busy_;
    if (tasks_.empty() && busy_ == 0) idle_cv_.notify_all();
  }
}

}  // namespace noisett
