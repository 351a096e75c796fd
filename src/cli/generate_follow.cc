#include "cli/generate_follow.h"

#include "cli/cli_output.h"

namespace noisett::cli {
namespace {

// "running, 1 of 4 images stored"
std::string Progress(const nlohmann::json& job) {
  int stored = 0;
  int count = 0;
  for (const auto& image : job.value("images", nlohmann::json::array())) {
    ++count;
    stored += image.value("status", "") == "stored";
  }
  return job.value("status", "?") + ", " + std::to_string(stored) + " of " +
         std::to_string(count) + " images stored";
}

bool Finished(const nlohmann::json& job) {
  const std::string status = job.value("status", "");
  return status == "succeeded" || status == "failed" || status == "canceled";
}

}  // namespace

int PrintAnswerOrError(const Answer& answer, std::FILE* out, std::FILE* err) {
  if (!answer.ok) {
    PrintError(out, err, answer.error);
    return answer.exit_code;
  }
  PrintAnswer(out, answer.text);
  return 0;
}

bool FollowsGeneration(const std::string& name, const nlohmann::json& input) {
  return name == "generate" && !input.contains("wait");
}

int FollowGeneration(const Call& call, const AwaitChange& await_change, nlohmann::json input,
                     std::FILE* out, std::FILE* err) {
  input["wait"] = false;
  Answer queued = call("generate", input);
  if (!queued.ok) return PrintAnswerOrError(queued, out, err);
  nlohmann::json job = nlohmann::json::parse(queued.text, nullptr, false);
  if (!job.is_object() || !job.contains("job_id")) return PrintAnswerOrError(queued, out, err);
  const nlohmann::json id{{"job_id", job["job_id"]}};
  std::string said;
  for (;;) {
    const std::string now = Progress(job);
    if (now != said) {
      std::fprintf(err, "generate: %s %s\n", job["job_id"].get<std::string>().c_str(),
                   now.c_str());
      std::fflush(err);
      said = now;
    }
    if (Finished(job)) break;
    await_change(job["job_id"].get<std::string>());
    Answer polled = call("jobs.get", id);
    if (!polled.ok) return PrintAnswerOrError(polled, out, err);
    nlohmann::json next = nlohmann::json::parse(polled.text, nullptr, false);
    if (!next.is_object()) return PrintAnswerOrError(polled, out, err);
    job = std::move(next);
  }
  return PrintAnswerOrError(call("jobs.result", id), out, err);
}

}  // namespace noisett::cli
