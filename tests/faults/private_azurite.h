// An Azurite of this test's own, which the test may stop and bring back on the same port (a
// restarted storage account keeps its endpoint; the server under test must find it again without
// a restart of its own). Started by scripts/azurite.sh in a temporary folder, with this process as
// the watchdog's WATCH_PID; the data folder persists across the stop, as a real account's does.
#pragma once

#include <memory>
#include <string>

namespace noisett::faults {

class PrivateAzurite final {
 public:
  // nullptr with *error set when Azurite cannot start (npm install azurite missing, ...).
  static std::unique_ptr<PrivateAzurite> Start(std::string* error);
  ~PrivateAzurite();  // stops it and removes the folder
  PrivateAzurite(const PrivateAzurite&) = delete;
  PrivateAzurite& operator=(const PrivateAzurite&) = delete;

  // https://127.0.0.1:PORT/devstoreaccount1
  const std::string& endpoint() const { return endpoint_; }
  const std::string& ca_file() const { return ca_file_; }
  // scripts/azurite.sh stop: "" on success, else why.
  std::string Stop();
  // Starts it again on the same port over the same data: "" once it answers, else why.
  std::string StartAgain();

 private:
  explicit PrivateAzurite(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_, endpoint_, ca_file_;
};

}  // namespace noisett::faults
