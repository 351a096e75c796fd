// The end-to-end fixture: a real `noisett serve --auth dev` on 127.0.0.1:0 over a fresh temporary
// data dir (local blob store, SQLite catalog, signed links), tokens for alice and bob minted by
// `noisett token`, and helpers that talk HTTP to it and look at what it wrote on disk.
//
// One server per test suite (SetUpTestSuite): ctest runs every test in its own process, so that is
// one start per test, and tests that share a suite within one gtest run never depend on each
// other's data (each uploads its own jobs and counts only those). TearDownTestSuite stops the
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
  // SIGTERM and wait: the exit status (0 for a graceful stop).
  int Stop();
  ServerProcess& process() { return server_; }

  // `noisett token --user USER --data-dir DATA`; "" (and a test failure) when it fails.
  std::string Token(const std::string& user);
  // `noisett ARGS...` with an environment free of NOISETT_*/AZURE_* settings.
  static noisett::testing::ProcessResult Cli(const std::vector<std::string>& args);

  uint16_t port() const { return server_.port(); }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
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
  int log_count_ = 0;
};

// The suite-shared server and the tokens of alice and bob.
class E2eTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

  static Noisett& noisett() { return *noisett_; }
  static uint16_t port() { return noisett_->port(); }

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

}  // namespace noisett::service_e2e
