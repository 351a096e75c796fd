// The names of job statuses, as the catalogs store them (the jobs table's CHECK lists the same
// five) and as answers spell them.
#include "catalog/job_queue.h"

#include <utility>

namespace noisett::catalog {
namespace {

constexpr std::pair<JobStatus, std::string_view> kStatusNames[] = {
    {JobStatus::kQueued, "queued"},       {JobStatus::kRunning, "running"},
    {JobStatus::kSucceeded, "succeeded"}, {JobStatus::kFailed, "failed"},
    {JobStatus::kCanceled, "canceled"},
};

}  // namespace

std::string_view JobStatusName(JobStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";  // not reached: the table names every enumerator
}

std::optional<JobStatus> ParseJobStatus(std::string_view name) {
  for (const auto& [value, known] : kStatusNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace noisett::catalog
