// Runs a program as a child process with given stdin text, capturing its exit status, stdout and
// stderr (through temporary files, so a child writing megabytes can never deadlock on a pipe).
// For tests that drive executables: the noisett CLI, node scripts.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace noisett::testing {

struct ProcessResult {
  int status = -1;  // exit status; -1 when the child was killed by a signal or could not start
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string stdin_text;
  // The child's environment is ours with every variable whose name starts with one of these
  // prefixes removed, then `set_env` added.
  std::vector<std::string> drop_env_prefixes;
  std::map<std::string, std::string> set_env;
  std::string working_dir;  // empty: ours
  std::chrono::milliseconds timeout{60000};
};

// argv[0] is the program's path (no PATH lookup).
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The value of an `export NAME=value` line in `out` (what scripts/azurite.sh and
// scripts/postgres.sh print for eval); "" when there is none.
std::string ExportedValue(const std::string& out, std::string_view name);

}  // namespace noisett::testing
