// `noisett generate` waits by default (issue 22): it queues the job, reports each stored image on
// stderr as it comes, and prints the finished job's answer (jobs.result: what generate with
// "wait": true answers) on stdout. The same steps in direct and remote mode, over a Call.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace noisett::cli {

// One command's answer: its JSON text, or (ok false) the failure and the exit status.
struct Answer {
  bool ok = false;
  std::string text;
  int exit_code = 0;
  Error error;
};
// Prints the answer (cli_output.h's one shape for a failure); answers the exit status.
int PrintAnswerOrError(const Answer& answer, std::FILE* out, std::FILE* err);

using Call = std::function<Answer(const std::string& name, const nlohmann::json& input)>;

// True for `generate` without a "wait" of its own: the CLI follows the job.
bool FollowsGeneration(const std::string& name, const nlohmann::json& input);

// Waits a while for job `job_id` to change (in process: its change notices; remote: a pause).
using AwaitChange = std::function<void(const std::string& job_id)>;

// Queues the job (generate with "wait": false), reads jobs.get after each `await_change` until it
// finishes, printing "generate: JOB STATUS, N of M images stored" on stderr at each change, then
// prints jobs.result. Answers the exit status.
int FollowGeneration(const Call& call, const AwaitChange& await_change, nlohmann::json input,
                     std::FILE* out, std::FILE* err);

}  // namespace noisett::cli
