// Progress on stderr for batch commands: a redrawn bar on a terminal, a line every 10% otherwise,
// nothing for small batches. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

namespace noisett::cli {

class Progress final {
 public:
  // Reports only when total > min_total ("more than a few files").
  Progress(std::FILE* out, size_t total, size_t min_total = 4);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // One more item finished (`label` names it on a terminal).
  void Step(const std::string& label);
  // Ends the bar's line on a terminal.
  void Finish();

 private:
  std::mutex mu_;
  std::FILE* out_;
  size_t total_;
  size_t done_ = 0;
  size_t last_decile_ = 0;
  bool enabled_;
  bool tty_;
};

}  // namespace noisett::cli
