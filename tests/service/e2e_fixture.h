// The end-to-end fixture: `noisett serve --auth dev` over a fresh temporary data dir (local blob
// store or Azurite, SQLite catalog, signed links), tokens for alice and bob, and helpers that send
// it requests and look at what it wrote on disk. Two ways to reach it, chosen by the suite's base:
//   E2eTest           a real `noisett serve` on 127.0.0.1:0, over loopback HTTP (a raw-socket
//                     client), tokens from `noisett token`: for suites about the transport and the
//                     program (framing, limits, signals, logs, the CLI) and the hostile-client
//                     suites of tests/security;
//   InProcessE2eTest  the same App and routes in this process (in_process_api.h): every request
//                     takes the server's steps (route from the head, the large-body check, the
//                     handler, the response head) without a socket: for suites about commands
//                     and their answers.
// One server (or App) per test suite (SetUpTestSuite): ctest runs every test in its own process,
// so that is one start per test, and tests that share a suite within one gtest run never depend on
// each other's data (each uploads its own jobs and counts only those). TearDownTestSuite stops a
// server with SIGTERM and requires exit status 0.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "service/e2e_store.h"
#include "service/in_process_api.h"
#include "service/raw_http.h"
#include "service/server_process.h"
#include "support/subprocess.h"

namespace noisett::service_e2e {

using Json = nlohmann::json;
namespace fs = std::filesystem;

inline constexpr char kContainer[] = "noisett-storage";

// A data dir inside its own temporary directory, and the server running on it.
class Noisett {
 public:
  Noisett();   // creates ROOT/ (removed by the destructor) with ROOT/data and ROOT/canary.txt
  ~Noisett();  // kills a server still running, removes ROOT
  Noisett(const Noisett&) = delete;
  Noisett& operator=(const Noisett&) = delete;

  // Starts `noisett serve --auth dev --data-dir DATA STORE-FLAGS EXTRA...` with `env` added to
  // its environment; "" or what went wrong. On Azurite, `bearer` leaves the account key out, so
  // the server takes its tokens from the credential chain `env` configures.
  std::string Start(const std::vector<std::string>& extra = {},
                    const std::vector<std::string>& env = {}, bool bearer = false);
  // Opens the App `Start` would serve, in this process (in_process_api.h); "" or what went wrong.
  std::string StartInProcess();
  bool in_process() const { return api_ != nullptr; }
  // `request` to the server, or to the in-process App.
  RawResponse Send(const RawRequest& request, int timeout_ms = 30000);
  // SIGTERM and wait: the exit status (0 for a graceful stop).
  int Stop();
  ServerProcess& process() { return server_; }

  // `noisett token --user USER --data-dir DATA`; "" (and a test failure) when it fails.
  std::string Token(const std::string& user);
  // `noisett ARGS...` with an environment free of NOISETT_*/AZURE_* settings.
  static noisett::testing::ProcessResult Cli(const std::vector<std::string>& args);

  uint16_t port() const { return server_.port(); }
  // Where links point: the server's address, or the in-process App's public URL.
  std::string base_url() const;
  const fs::path& root() const { return root_; }
  std::string data_dir() const { return (root_ / "data").string(); }
  // Where the local store keeps the container's blobs: DATA/blobs/CONTAINER/blobs.
  fs::path blob_root() const { return root_ / "data" / "blobs" / kContainer / "blobs"; }
  // A file beside the data dir that no request may ever read.
  fs::path canary() const { return root_ / "canary.txt"; }
  static constexpr char kCanaryText[] = "CANARY-5f1d3c-never-served";

 private:
  fs::path root_;
  ServerProcess server_;
  std::unique_ptr<InProcessApi> api_;
  int log_count_ = 0;
};

// The suite-shared server and the tokens of alice and bob.
class E2eTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  // SetUpTestSuite's work, with the App in this process instead of a server.
  static void SetUpInProcessSuite();

 protected:
  void SetUp() override;

  static Noisett& noisett() { return *noisett_; }
  static uint16_t port() { return noisett_->port(); }

  // `request` to the suite's server (or App).
  static RawResponse Send(const RawRequest& request, int timeout_ms = 30000) {
    return noisett_->Send(request, timeout_ms);
  }

  // One API request with `token` ("" sends no Authorization header).
  static RawResponse Call(const std::string& method, const std::string& target,
                          const std::string& token, const std::string& body = "",
                          const std::string& content_type = "");
  // GET of a signed link (any origin: only its path and query are sent to our port).
  static RawResponse FetchLink(const std::string& url,
                               const std::vector<std::pair<std::string, std::string>>& headers = {},
                               const std::string& method = "GET");

  // POST /api/images; requires 201 and returns the answer.
  static Json Upload(const std::string& token, const std::string& bytes,
                     const std::string& query = "", const std::string& content_type = "image/png");

  // The JSON body; a discarded value (is_discarded) when it is not JSON.
  static Json BodyJson(const RawResponse& r);
  // error.code of a JSON error answer ("" when there is none).
  static std::string ErrorCode(const RawResponse& r);

  // A PNG of w x h textured pixels (libvips).
  static std::string Png(int w, int h);
  // The same picture as a JPEG.
  static std::string Jpeg(int w, int h);

  // The job ids of GET /api/history?limit=200 for `token`, newest first.
  static std::vector<std::string> HistoryIds(const std::string& token);

  // The data files (not meta.json, not temp files) of every blob under blob_root() whose name
  // starts with `name_prefix` ("image_", "thumb_image_"): path of the data file, and its bytes.
  // On Azurite: blob name and size.
  static std::map<std::string, uint64_t> BlobDataFiles(const std::string& name_prefix);
  // The bytes of blob `blob_path`'s only data file; "" (with a test failure) when there is not
  // exactly one.
  static std::string StoredBlob(const std::string& blob_path);

  // "generated/alice/JOB/image_0.jpg" from a link ".../blobs/noisett-storage/generated/...?..".
  static std::string BlobPathOfLink(const std::string& url);

  static std::string alice_;
  static std::string bob_;

 private:
  static std::unique_ptr<Noisett> noisett_;
};

// E2eTest with the App in this process: see the top of this file.
class InProcessE2eTest : public E2eTest {
 public:
  static void SetUpTestSuite() { SetUpInProcessSuite(); }
};

}  // namespace noisett::service_e2e
