// `noisett serve` as a child process: started on 127.0.0.1:0, its port read from the start-up log
// line, stopped with SIGTERM. stdout and stderr go to files (never a pipe a chatty child could
// fill), so a test can show the server's log when something fails.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace noisett::service_e2e {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();  // SIGKILLs a child still running (a test that failed before Stop)
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Runs `noisett serve ARGS --listen 127.0.0.1:0` with an environment free of NOISETT_* and
  // AZURE_* settings, logs into `log_path`, and waits (up to 60 s: ASan start-up is slow) for
  // "noisett serving on http://127.0.0.1:PORT". Returns "" or what went wrong, with the log.
  // `extra_env` ("NAME=value") is added to that environment.
  std::string Start(const std::vector<std::string>& args, const std::string& log_path,
                    const std::vector<std::string>& extra_env = {});

  // SIGTERM (unless SendTerm already sent it), then waits up to 60 s. The exit status; 128 + N
  // when signal N ended it (as a shell reports it: 139 is a crash with SIGSEGV); -1 when no child
  // runs; -2 when it did not stop in time (it is then SIGKILLed).
  int Stop();

  // SIGTERM without waiting (a stop while requests are in flight); Stop() then only collects it,
  // since a second SIGTERM during a graceful stop may legitimately end the process at once.
  void SendTerm();

  // SIGKILL and reap a child still running (clean-up after a failed test); no-op otherwise.
  void Kill();

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  bool term_sent_ = false;
  uint16_t port_ = 0;
  std::string log_path_;
};

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace noisett::service_e2e
