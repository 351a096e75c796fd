// The serve child process.
#include "service/server_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef NOISETT_BIN
#error "NOISETT_BIN must name the noisett executable"
#endif

extern char** environ;

namespace noisett::service_e2e {
namespace {

using namespace std::chrono_literals;

// Our environment minus the settings a developer's shell may hold, so the child runs on exactly
// the flags the test gives (ASAN_/LSAN_/UBSAN_OPTIONS stay: the sanitizers must see them).
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.rfind("NOISETT_", 0) == 0 || entry.rfind("AZURE_", 0) == 0) continue;
    env.emplace_back(entry);
  }
  return env;
}

// The port in "noisett serving on http://127.0.0.1:PORT", or 0 while the line is not there yet.
uint16_t PortFromLog(const std::string& log) {
  static constexpr std::string_view kMarker = "noisett serving on http://127.0.0.1:";
  const size_t at = log.find(kMarker);
  if (at == std::string::npos) return 0;
  size_t pos = at + kMarker.size();
  unsigned port = 0;
  while (pos < log.size() && log[pos] >= '0' && log[pos] <= '9') {
    port = port * 10 + unsigned(log[pos] - '0');
    ++pos;
  }
  return pos < log.size() && port > 0 && port < 65536 ? uint16_t(port) : 0;
}

// waitpid for up to `timeout`: true with the raw status once the child has exited.
bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    pid_t done = ::waitpid(pid, status, WNOHANG);
    if (done == pid) return true;
    if (done < 0) return false;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ServerProcess::~ServerProcess() { Kill(); }

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::Start(const std::vector<std::string>& args,
                                 const std::string& log_path,
                                 const std::vector<std::string>& extra_env) {
  log_path_ = log_path;
  port_ = 0;
  term_sent_ = false;
  std::vector<std::string> argv = {NOISETT_BIN, "serve"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<std::string> env = ChildEnvironment();
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> cenv;
  for (std::string& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return "cannot open " + log_path + ": " + std::strerror(errno);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec. A test binary that dies (an ASan abort, a
    // crash) takes its server with it instead of leaving it running.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    port_ = PortFromLog(Log());
    if (port_ != 0) return "";
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "noisett serve exited during start-up (status " + std::to_string(status) +
             "); log:\n" + Log();
    }
    std::this_thread::sleep_for(20ms);
  }
  return "noisett serve did not report its port within 60 s; log:\n" + Log();
}

void ServerProcess::SendTerm() {
  if (pid_ > 0 && !term_sent_) ::kill(pid_, SIGTERM);
  term_sent_ = true;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  SendTerm();
  int status = 0;
  const bool exited = WaitFor(pid_, 60s, &status);
  if (!exited) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -2;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::Log() const { return ReadFile(log_path_); }

}  // namespace noisett::service_e2e
