// The fixture of the tests that run the built `noisett` as a child process: a fresh temporary
// directory per test, Run(args, env) with the exit status, stdout (and its JSON lines) and stderr.
// Shared by noisett_cli_test.cc (optimize, the store, usage) and noisett_cli_messages_test.cc
// (help, version, errors).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef NOISETT_BIN
#error "NOISETT_BIN must name the noisett executable"
#endif

namespace noisett::cli::process_test {

namespace fs = std::filesystem;
using nlohmann::json;

// A JWT-shaped token: what an operator pastes after --token.
inline const std::string kToken =
    "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA";

struct RunResult {
  int status = -1;  // exit status, or -1 when the child did not exit normally
  std::string out;
  std::string err;
  std::vector<json> lines;  // stdout parsed line by line
};

inline std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
  ASSERT_TRUE(out.good()) << p;
}

class NoisettCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "noisett_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    out_ = dir_ / "out";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes an input file and returns its path.
  fs::path Input(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    WriteAll(p, bytes);
    return p;
  }

  // Runs noisett with `args`. The child's environment is ours without any NOISETT_* variable,
  // plus `env`.
  // When `json_output`, every stdout line must be a JSON object.
  // A child still running after `timeout` is killed and reported with status -1.
  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}, bool json_output = true,
                std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const fs::path out_file = dir_ / "stdout.txt";
    const fs::path err_file = dir_ / "stderr.txt";
    // Everything the child needs is built before fork(): only async-signal-safe calls follow.
    std::vector<std::string> argv_s = {NOISETT_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).rfind("NOISETT_", 0) != 0) env_s.emplace_back(*e);
    }
    for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    EXPECT_GE(out_fd, 0);
    EXPECT_GE(err_fd, 0);

    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
    RunResult r;
    int wstatus = 0;
    EXPECT_GT(pid, 0);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pid_t done = 0;
    while (pid > 0 && (done = ::waitpid(pid, &wstatus, WNOHANG)) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        done = ::waitpid(pid, &wstatus, 0);
        ADD_FAILURE() << "noisett did not finish within " << timeout.count() << "s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (done == pid && WIFEXITED(wstatus)) r.status = WEXITSTATUS(wstatus);
    r.out = ReadAll(out_file);
    r.err = ReadAll(err_file);
    if (!json_output) return r;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(j.is_object()) << "stdout line is not a JSON object: " << line;
      r.lines.push_back(std::move(j));
    }
    return r;
  }

  std::vector<std::string> Optimize(const std::vector<fs::path>& files,
                                    const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"optimize"};
    for (const auto& f : files) args.push_back(f.string());
    args.insert(args.end(), {"--out", out_.string()});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  fs::path dir_;
  fs::path out_;
};

}  // namespace noisett::cli::process_test
