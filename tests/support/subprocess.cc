// fork + execve. Everything the child needs (argv, envp, open files) is prepared before fork():
// the tests that call this have other threads running, so the child may only make
// async-signal-safe calls until execve.
#include "support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>

extern char** environ;

namespace noisett::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool StartsWithAny(std::string_view text, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (text.rfind(p, 0) == 0) return true;
  }
  return false;
}

// A private temporary directory for the three files, removed on scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "noisett_proc_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv_in, const ProcessOptions& options) {
  ProcessResult result;
  TempDir tmp;
  if (tmp.path.empty() || argv_in.empty()) {
    result.err = "RunProcess: no temporary directory or no program";
    return result;
  }
  const fs::path in_path = tmp.path / "stdin";
  const fs::path out_path = tmp.path / "stdout";
  const fs::path err_path = tmp.path / "stderr";
  {
    std::ofstream in(in_path, std::ios::binary);
    in << options.stdin_text;
  }

  std::vector<std::string> argv_s = argv_in;
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    if (StartsWithAny(entry, options.drop_env_prefixes) || options.set_env.count(std::string(name))) {
      continue;
    }
    env_s.emplace_back(entry);
  }
  for (const auto& [k, v] : options.set_env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int in_fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
    result.err = "RunProcess: cannot open the temporary files";
    return result;
  }
  const char* cwd = options.working_dir.empty() ? nullptr : options.working_dir.c_str();

  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    if (cwd != nullptr && ::chdir(cwd) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) {
    result.err = "RunProcess: fork failed";
    return result;
  }

  int wstatus = 0;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  pid_t done = 0;
  while ((done = ::waitpid(pid, &wstatus, WNOHANG)) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      done = ::waitpid(pid, &wstatus, 0);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (done == pid && WIFEXITED(wstatus) && !result.timed_out) result.status = WEXITSTATUS(wstatus);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::string ExportedValue(const std::string& out, std::string_view name) {
  std::istringstream lines(out);
  const std::string prefix = "export " + std::string(name) + "=";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return "";
}

}  // namespace noisett::testing
