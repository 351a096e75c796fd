// What every fault test shares: a real `noisett serve` child process over a temporary data dir
// (tests/service/e2e_fixture.h's Noisett), a dev token for alice, HTTP helpers over loopback, and
// the checks each fault ends with: the refusal's status, error code and Retry-After, the process
// still alive and serving, and an fsck of the store and catalog.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/e2e_fixture.h"
#include "service/raw_http.h"
#include "support/subprocess.h"

namespace noisett::faults {

using Json = nlohmann::json;
using service_e2e::RawResponse;
namespace fs = std::filesystem;

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts `serve --auth dev` with `extra` flags; "" or what went wrong (with the log).
  std::string StartServer(const std::vector<std::string>& extra = {},
                          const std::vector<std::string>& env = {});
  // A token for `user` from `noisett token` on this data dir (dev issuer).
  std::string DevToken(const std::string& user) { return noisett_->Token(user); }

  RawResponse Call(const std::string& method, const std::string& target, const std::string& token,
                   const std::string& body = "", const std::string& content_type = "") const;
  // POST /api/images?prompt=faults with a PNG body.
  RawResponse Upload(const std::string& token, const std::string& png) const;
  // A textured PNG (libvips): w x h pixels that compress badly, so outputs have a real size.
  static std::string Png(int w, int h);

  static Json BodyJson(const RawResponse& r);
  static std::string ErrorCodeOf(const RawResponse& r);
  static std::string ErrorMessageOf(const RawResponse& r);
  // image.url of an upload's answer ("" when there is none).
  static std::string ImageUrl(const RawResponse& r);
  // job_id of an upload's answer ("" when there is none).
  static std::string JobId(const RawResponse& r);
  // The job ids in GET /api/history?limit=200 (empty, with a failure, unless 200).
  std::vector<std::string> HistoryIds(const std::string& token) const;

  // A backend is down: 503, error.code `code`, and Retry-After of 5 s.
  static void ExpectUnavailable(const RawResponse& r, const std::string& code);
  // The same process still runs and answers /healthz.
  void ExpectAlive() const;
  int ReadyStatus() const { return Call("GET", "/readyz", "").status; }
  // Calls `ok` every 100 ms until it is true or `timeout` passes; whether it became true.
  static bool WaitFor(const std::function<bool()>& ok, std::chrono::milliseconds timeout);

  // `noisett fsck --json --data-dir DATA EXTRA...`: its exit status and parsed report.
  struct FsckResult {
    int status = -1;
    Json report;
    std::string err;
  };
  FsckResult Fsck(const std::vector<std::string>& extra = {}) const;

  std::unique_ptr<service_e2e::Noisett> noisett_;
};

}  // namespace noisett::faults
