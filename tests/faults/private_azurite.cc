// The private Azurite: scripts/azurite.sh start, stop, and restart (the same port and data).
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
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(60000);
  const ProcessResult run = RunProcess(
      {"/bin/bash", ScriptPath(), "restart", dir_, std::to_string(::getpid())}, options);
  return run.status == 0 ? "" : "restart failed: " + run.err;
}

PrivateAzurite::~PrivateAzurite() {
  (void)Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace noisett::faults
