// The private Azurite: scripts/azurite.sh for start and stop. The script always asks the kernel
// for a free port, so bringing the same account back on its old port is done here, with the
// script's own flags and pid file (its `stop` then works on it as on any other).
#include "faults/private_azurite.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "support/subprocess.h"

namespace noisett::faults {
namespace {

using noisett::testing::ProcessOptions;
using noisett::testing::ProcessResult;
using noisett::testing::RunProcess;

std::string ScriptPath() { return std::string(NOISETT_SOURCE_DIR) + "/scripts/azurite.sh"; }

// Runs azurite-blob in the background on `port` over `dir`, as scripts/azurite.sh start does,
// with a watchdog on `watch`; waits until it answers over HTTPS.
constexpr const char* kRestartScript = R"sh(set -euo pipefail
dir=$1 port=$2 watch=$3 bin=$4
"$bin" --blobHost 127.0.0.1 --blobPort "$port" --oauth basic \
  --cert "$dir/cert.pem" --key "$dir/key.pem" --location "$dir" --silent --disableTelemetry \
  </dev/null >>"$dir/azurite.log" 2>&1 &
pid=$!
echo "$pid" >"$dir/azurite.pid"
( while kill -0 "$watch" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
  kill "$pid" 2>/dev/null || true ) </dev/null >/dev/null 2>&1 &
disown
for ((i = 0; i < 300; i++)); do
  kill -0 "$pid" 2>/dev/null || { echo "Azurite exited: $(tail -5 "$dir/azurite.log")" >&2; exit 1; }
  curl -s -o /dev/null --max-time 2 --cacert "$dir/cert.pem" \
    "https://127.0.0.1:$port/devstoreaccount1?comp=list" && exit 0
  sleep 0.1
done
echo "Azurite did not answer on port $port within 30 s" >&2
exit 1
)sh";

}  // namespace

std::unique_ptr<PrivateAzurite> PrivateAzurite::Start(std::string* error) {
  std::string pattern = (std::filesystem::temp_directory_path() / "noisett-az-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    *error = "mkdtemp failed for " + pattern;
    return nullptr;
  }
  std::unique_ptr<PrivateAzurite> az(new PrivateAzurite(pattern));
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(60000);
  const ProcessResult run = RunProcess(
      {"/bin/bash", ScriptPath(), "start", pattern, std::to_string(::getpid())}, options);
  az->endpoint_ = noisett::testing::ExportedValue(run.out, "NOISETT_TEST_AZURITE_ENDPOINT");
  az->ca_file_ = noisett::testing::ExportedValue(run.out, "NOISETT_TEST_AZURITE_CA");
  if (run.status != 0 || az->endpoint_.empty()) {
    *error =
        "scripts/azurite.sh start failed (status " + std::to_string(run.status) + "): " + run.err;
    return nullptr;
  }
  return az;
}

std::string PrivateAzurite::Stop() {
  const ProcessResult run = RunProcess({"/bin/bash", ScriptPath(), "stop", dir_});
  return run.status == 0 ? "" : "stop failed: " + run.err;
}

std::string PrivateAzurite::StartAgain() {
  // "https://127.0.0.1:PORT/devstoreaccount1" → PORT
  const size_t colon = endpoint_.rfind(':');
  const std::string port = endpoint_.substr(colon + 1, endpoint_.find('/', colon) - colon - 1);
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(60000);
  const ProcessResult run = RunProcess(
      {"/bin/bash", "-c", kRestartScript, "restart", dir_, port, std::to_string(::getpid()),
       std::string(NOISETT_SOURCE_DIR) + "/node_modules/.bin/azurite-blob"},
      options);
  return run.status == 0 ? "" : "restart failed: " + run.err;
}

PrivateAzurite::~PrivateAzurite() {
  (void)Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace noisett::faults
