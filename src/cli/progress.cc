// Progress bar drawing; callers only count.
#include "cli/progress.h"

#include <unistd.h>

namespace noisett::cli {

Progress::Progress(std::FILE* out, size_t total, size_t min_total)
    : out_(out), total_(total), enabled_(total > min_total), tty_(::isatty(::fileno(out)) == 1) {}

void Progress::Step(const std::string& label) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  if (!enabled_) return;
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = int(kWidth * done_ / total_);
    std::fprintf(out_, "\r[%.*s%*s] %zu/%zu %-40.40s", filled, "##############################",
                 kWidth - filled, "", done_, total_, label.c_str());
  } else {
    const size_t decile = done_ * 10 / total_;
    if (decile == last_decile_) return;
    last_decile_ = decile;
    std::fprintf(out_, "progress: %zu/%zu\n", done_, total_);
  }
  std::fflush(out_);
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (enabled_ && tty_) std::fprintf(out_, "\n");
}

}  // namespace noisett::cli
