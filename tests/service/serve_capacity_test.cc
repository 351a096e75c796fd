// `serve`'s capacity settings (--io-threads, --workers, --max-connections, --max-held-body and
// their NOISETT_* variables) reach the server: the start-up line reports what is in force, the
// process runs the threads asked for, an upload larger than the body budget is still served, and
// bad values stop the start with exit status 2 and the reason.
#include <fstream>

#include "image/test_images.h"
#include "service/e2e_fixture.h"

namespace noisett::service_e2e {
namespace {

// "Threads:" of /proc/PID/status.
int ThreadsOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Threads of a `serve` started with `extra` flags and `env`, once it answers; its log in `log`.
// The port is logged before the job runner and the sweeps start their threads: only an answer
// says every thread is there (reading them at the port's line miscounted on a loaded machine).
int ServeThreads(const std::vector<std::string>& extra, const std::vector<std::string>& env,
                 std::string* log) {
  Noisett noisett;
  const std::string started = noisett.Start(extra, env);
  EXPECT_EQ(started, "");
  if (!started.empty()) return -1;
  RawRequest health;
  health.target = "/healthz";
  EXPECT_EQ(Send(noisett.port(), health).status, 200);
  const int threads = ThreadsOf(noisett.process().pid());
  *log = noisett.process().Log();
  EXPECT_EQ(noisett.Stop(), 0) << *log;
  return threads;
}

TEST(ServeCapacityTest, FlagsAndVariablesSetTheServersThreadsConnectionsAndBodyBudget) {
  std::string one_log, three_log;
  const int one = ServeThreads({"--io-threads", "1", "--workers", "1", "--read-threads", "1",
                                "--max-connections", "300", "--max-held-body", "512K"},
                               {}, &one_log);
  EXPECT_NE(one_log.find("1 I/O threads, 1 workers, 1 read threads, up to 300 connections, "
                         "512 KiB of upload bodies held at once"),
            std::string::npos)
      << one_log;
  const int three = ServeThreads(
      {}, {"NOISETT_IO_THREADS=1", "NOISETT_WORKERS=3", "NOISETT_READ_THREADS=2",
           "NOISETT_MAX_HELD_BODY=2M"},
      &three_log);
  EXPECT_NE(three_log.find("1 I/O threads, 3 workers, 2 read threads, up to 1024 connections, "
                           "2 MiB of upload"),
            std::string::npos)
      << three_log;
  EXPECT_EQ(three - one, 3) << "threads with 1 worker and 1 reader: " << one
                            << ", with 3 and 2: " << three;
}

TEST(ServeCapacityTest, AnUploadLargerThanTheBodyBudgetIsStillServed) {
  Noisett noisett;
  ASSERT_EQ(noisett.Start({"--max-held-body", "64K"}), "");
  const std::string token = noisett.Token("alice");
  const std::string png = noisett::testing::ToPng(noisett::testing::Textured(400, 300));
  ASSERT_GT(png.size(), 64u * 1024);
  RawRequest upload;
  upload.method = "POST";
  upload.target = "/api/images";
  upload.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "image/png"}};
  upload.body = png;
  const RawResponse r = Send(noisett.port(), upload);
  EXPECT_EQ(r.status, 201) << r.body.substr(0, 300);
  EXPECT_EQ(noisett.Stop(), 0);
}

TEST(ServeCapacityTest, BadValuesStopTheStartWithTheirReason) {
  struct Case {
    std::vector<std::string> args;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{"--workers", "999"}, "--workers"},
      {{"--read-threads", "x"}, "--read-threads"},
      {{"--io-threads", "-1"}, "--io-threads"},
      {{"--max-connections", "0"}, "--max-connections"},
      {{"--max-held-body", "10X"}, "--max-held-body"},
      {{"--max-held-body", "0"}, "bad_capacity"},
  };
  const Noisett unstarted;  // its data dir, so nothing is written where the test runs
  for (const Case& c : cases) {
    std::vector<std::string> args = {"serve", "--auth", "dev", "--listen", "127.0.0.1:0",
                                     "--data-dir", unstarted.data_dir()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const noisett::testing::ProcessResult r = Noisett::Cli(args);
    EXPECT_EQ(r.status, 2) << c.args[0] << " " << c.args[1] << ": " << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace noisett::service_e2e
